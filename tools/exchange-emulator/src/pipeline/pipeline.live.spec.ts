import { pipelineContract } from '@cab/infrastructure/testing';
import { makeLivePipelineWorld } from './live-world';

// The same pipeline specs as paper mode, with the real ccxt client through CcxtBroker.
pipelineContract('live (CcxtBroker + emulator)', () => makeLivePipelineWorld());
