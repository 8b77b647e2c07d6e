export * from './calendar';
export * from './equity-recorder';
export * from './periods';
export * from './report';
export * from './round-trips';
export * from './stop-levels';
