// Test helpers for @cab/infrastructure: import from '@cab/infrastructure/testing' in specs only.
export { brokerContract, type BrokerHarness } from './brokers/broker.contract';
export { makePaperHarness, type PaperHarness, type PaperHarnessOptions } from './brokers/paper/testing/paper-harness';
