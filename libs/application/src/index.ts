export const APPLICATION = 'application';
