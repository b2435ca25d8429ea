import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { appObjectClasses } from './app-objects';

let server: Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

describe('appObjectClasses', () => {
  it("makes Node build requests and responses with the app's prototypes, which Express's own methods then serve", async () => {
    const app = express();
    app.get('/things/:id', (req, res) => {
      res.status(201).json({ id: req.params.id, path: req.path, host: req.hostname });
    });
    const classes = appObjectClasses(app);
    const arrived: boolean[] = [];
    server = createServer(classes, (req, res) => {
      // As Node made them, before Express sees them.
      arrived.push(Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response);
      arrived.push(req instanceof IncomingMessage && res instanceof ServerResponse);
      app(req, res);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const answer = await fetch(`http://127.0.0.1:${port}/things/7?x=1`);
    expect(answer.status).toBe(201);
    expect(await answer.json()).toEqual({ id: '7', path: '/things/7', host: '127.0.0.1' });
    expect(arrived).toEqual([true, true]);
  });
});
