import { pipelineContract } from '@cab/infrastructure/testing';
import { makeLivePipelineWorld } from './live-world';

// The same pipeline specs as paper mode, with the real ccxt client through GateVenue.
pipelineContract('live (GateVenue + emulator)', () => makeLivePipelineWorld());
