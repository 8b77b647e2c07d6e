import { brokerContract } from '@cab/infrastructure/testing';
import { makeCcxtHarness } from './testing/ccxt-harness';

// The same contract PaperVenue passes, run on the live adapter: the real ccxt client, signing
// real HTTP requests to the emulator on a loopback port.
brokerContract('GateVenue + exchange emulator', () => makeCcxtHarness());
