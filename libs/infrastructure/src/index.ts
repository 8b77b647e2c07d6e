export const INFRA = 'infra';
