import { pipelineContract } from '@cab/infrastructure/testing';
import { makeLivePipelineWorld } from './live-world';

// The live pipeline contract on the trading core (compose engine 'core'): the real ccxt client through CcxtBroker against the emulator.
pipelineContract('live on the core (CcxtBroker + emulator)', () => makeLivePipelineWorld(), { engine: 'core' });
