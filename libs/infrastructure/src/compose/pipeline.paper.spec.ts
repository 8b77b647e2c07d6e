import { makePaperPipelineWorld } from './testing/paper-world';
import { pipelineContract } from './testing/pipeline.contract';

pipelineContract('paper', makePaperPipelineWorld);
