import { Button, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useSession } from '../../app/session';
import { errorTitle } from '../../api/client';
import { commonText } from '../../shared/text';
import { layoutText } from '../layout/text';
import { authText } from './text';

/** Shows its children to a signed-in account; sends everyone else to /login. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'loading') {
    return (
      <div style={{ padding: 48, textAlign: 'center' }}>
        <Spin />
        <div style={{ marginTop: 12, color: '#8c8c8c' }}>{authText.checkingSession}</div>
      </div>
    );
  }
  if (session.status === 'error') {
    return (
      <Result
        status="warning"
        title={layoutText.sessionError}
        subTitle={`${errorTitle(session.error)}。${layoutText.sessionErrorHint}`}
        extra={<Button onClick={() => void session.refresh()}>{commonText.retry}</Button>}
      />
    );
  }
  if (session.status !== 'signedIn' || !session.me) {
    // Coming back to this page after signing in again only makes sense when the session expired.
    const from = location.pathname + location.search;
    return <Navigate to="/login" replace state={session.endedByUser ? null : { from }} />;
  }
  return <>{children}</>;
}
