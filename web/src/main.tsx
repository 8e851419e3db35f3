// The shared stylesheet first: screen stylesheets, imported by their modules, refine it.
import './styles/base.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { ToasterProvider } from './components/Toaster.tsx';
import { I18nProvider } from './i18n/index.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <ToasterProvider>
        <App />
      </ToasterProvider>
    </I18nProvider>
  </StrictMode>,
);
