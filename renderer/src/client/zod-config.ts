// The dashboard runs under a CSP without 'unsafe-eval' (proxy/dashboard.ts, the app's own
// protocol). zod compiles its fast object parsers with `new Function`, and probes for it as
// its first object schema is built, which such a CSP reports as a violation even though zod
// catches the error. Switched off before any schema exists: main.tsx imports this first.
import { z } from 'zod';

z.config({ jitless: true });
