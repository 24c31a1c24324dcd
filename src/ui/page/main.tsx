// Entry point of the page `corskit ui` serves.
import { render } from 'preact';
import { App } from './app.js';
import './styles.css';
import { runWhatIf } from './whatif.js';

declare global {
  interface Window {
    /** For tests and the curious: the What-if view's engine (the simulator bundled in this page). */
    __corskit?: { readonly runWhatIf: typeof runWhatIf };
  }
}

window.__corskit = { runWhatIf };
render(<App />, document.getElementById('app') as HTMLElement);
