export * from './api.ts';
export * from './commands.ts';
export * from './events.ts';
export * from './status.ts';
export * from './telemetry.ts';
export * from './wire.ts';
export * from './profiles.ts';
export * from './database.ts';
