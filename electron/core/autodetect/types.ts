// The autodetection shapes live in electron/shared (the IPC contract and the CLI use them too).
export * from '../../shared/autodetect';
