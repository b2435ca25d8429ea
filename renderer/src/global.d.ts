import type { CascadeflowBridge } from '../../contracts/desktop';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a plain browser. */
    cascadeflow?: CascadeflowBridge;
  }
}

export {};
