// Renderer entry: mounts the app on #root with the preload's API.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { outboxApi } from './api';
import { App } from './app';
import './theme.css';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App api={outboxApi()} />
  </StrictMode>,
);
