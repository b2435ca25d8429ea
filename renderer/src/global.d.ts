import type { CascadeflowBridge } from '../../proxy/control/api';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a plain browser. */
    cascadeflow?: CascadeflowBridge;
  }
}

export {};
