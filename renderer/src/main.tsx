// First: before any contract schema is built (see the module).
import './client/zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectTransport } from './client/transport';
import './styles.css';

const transport = connectTransport();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App transport={transport} />
  </StrictMode>,
);
