// The app shell: a tab per view, the view chosen by the URL's fragment.
import { useEffect, useState } from 'preact/hooks';
import { parseHash, type Route, type ViewName } from './route.js';
import { AuditView } from './views/Audit.js';
import { CheckView } from './views/Check.js';
import { HarView } from './views/Har.js';
import { PolicyView } from './views/Policy.js';
import { WhatIfView } from './views/WhatIf.js';

const NAV: readonly { view: ViewName; title: string }[] = [
  { view: 'check', title: 'Check' },
  { view: 'whatif', title: 'What-if' },
  { view: 'policy', title: 'Policy builder' },
  { view: 'har', title: 'HAR' },
  { view: 'audit', title: 'Audit' },
];

export function App() {
  const [route, setRoute] = useState<Route>(() => parseHash(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    const title = NAV.find((n) => n.view === route.view)?.title ?? '';
    document.title = `${title} · corskit`;
  }, [route.view]);
  return (
    <>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            ⇄
          </span>
          <span>corskit</span>
        </div>
        <nav aria-label="Views">
          <ul>
            {NAV.map((n) => (
              <li key={n.view}>
                <a href={`#/${n.view}`} aria-current={route.view === n.view ? 'page' : undefined}>
                  {n.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {route.view === 'check' ? <CheckView params={route.params} /> : null}
        {route.view === 'whatif' ? <WhatIfView params={route.params} /> : null}
        {route.view === 'policy' ? <PolicyView params={route.params} /> : null}
        {route.view === 'har' ? <HarView params={route.params} /> : null}
        {route.view === 'audit' ? <AuditView params={route.params} /> : null}
      </main>
      <footer class="foot">
        CORS is a browser policy, not access control: curl and server-to-server calls are never blocked, and a
        blocked simple request has still reached the server and run.
      </footer>
    </>
  );
}
