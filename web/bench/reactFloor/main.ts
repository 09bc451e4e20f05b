// The least a React client ships: React and ReactDOM rendering one element. bench/web_client.py
// builds it with the app's own Vite settings and weighs its JavaScript beside the app's.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

const root = document.getElementById('root');
if (root) createRoot(root).render(createElement('p', null, 'React floor'));
