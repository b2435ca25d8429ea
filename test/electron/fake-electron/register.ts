// Preloaded with `node --import tsx --import ./register.ts dist/electron/main.js`:
// resolves `electron` (imported by the bundle and by electron-store) to the fake.
import { register } from 'node:module';

register(new URL('./hooks.ts', import.meta.url).href, import.meta.url);
