/** Entry: mounts the till's screens. */
import './boot'; // first: the session request leaves before React loads
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

createRoot(document.getElementById('root')!).render(<App />);
