import { makePaperPipelineWorld } from './testing/paper-world';
import { pipelineContract } from './testing/pipeline.contract';

// The same contract as the loop pipeline's (pipeline.paper.spec.ts), on the trading core (compose engine 'core').
pipelineContract('paper on the core', makePaperPipelineWorld, { engine: 'core' });
