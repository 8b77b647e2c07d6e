import { brokerContract } from '../broker.contract';
import { makePaperHarness } from './testing/paper-harness';

brokerContract('PaperBroker', () => makePaperHarness());
