import { Alert, Button } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useSession } from '../../app/session';
import { trainingText as T } from './text';

/** What a visitor or a non-volunteer sees instead of the volunteer's actions. */
export function VolunteerOnly({ children }: { children: ReactNode }) {
  const { me } = useSession();
  if (!me) {
    return (
      <Link to="/login">
        <Button type="primary" block>
          {T.signInFirst}
        </Button>
      </Link>
    );
  }
  if (me.type !== 'volunteer') return <Alert type="info" showIcon title={T.volunteersOnly} />;
  return <>{children}</>;
}

