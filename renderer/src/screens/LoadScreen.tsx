/**
 * Where a screen loaded on first use appears: "Opening…" while its code loads, and if the code cannot
 * load (the till's files replaced under a running page, a failed read), a line in words in its place
 * instead of a blank till — the navigation stays, so Sell is one key away.
 */
import { Component, Suspense, type ReactNode } from 'react';

export class LoadScreen extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override render() {
    if (this.state.failed) {
      return (
        <p role="alert" className="state failed">
          This screen could not open. Go back to Sell (Alt+1), or reload the till's page (Ctrl+R) and try again.
        </p>
      );
    }
    return <Suspense fallback={<p role="status">Opening…</p>}>{this.props.children}</Suspense>;
  }
}
