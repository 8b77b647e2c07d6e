export * from './equity-recorder';
export * from './report';
