import { contextBridge, ipcRenderer } from 'electron';
import { exposeHotpathBridge } from './preload-bridge.ts';

// The window is sandboxed with context isolation: this runs in an isolated world and hands
// the page exactly `window.hotpathBridge = { invoke, on }` (see preload-bridge.ts).
exposeHotpathBridge(contextBridge, ipcRenderer);
