import { SafetyCertificateOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { Divider, Flex, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Page } from '../../shared/Page';
import { ForgotPassword } from './ForgotPassword';
import { RecoverUsername } from './RecoverUsername';
import { recoverText } from './text';

type Tab = 'username' | 'password';

/** /recover: 找回用户名 and 忘记密码 (seed 000, 002 §2.1.3–2.1.4); ?tab=password opens the second. */
export function RecoverPage() {
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'password' ? 'password' : 'username';
  const [prefill, setPrefill] = useState<string | undefined>(params.get('username') ?? undefined);

  const choose = (next: Tab) => setParams(next === 'password' ? { tab: 'password' } : {}, { replace: true });

  return (
    <Page title={recoverText.title} width="narrow">
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {recoverText.intro}
      </Typography.Paragraph>
      <Tabs
        activeKey={tab}
        onChange={(key) => choose(key as Tab)}
        items={[
          { key: 'username', label: recoverText.tabUsername, children: <RecoverUsername onResetPassword={(u) => { setPrefill(u); choose('password'); }} /> },
          { key: 'password', label: recoverText.tabPassword, children: <ForgotPassword key={prefill ?? ''} initialUsername={prefill} /> },
        ]}
      />
      <Divider style={{ margin: '20px 0 12px' }} />
      <Flex vertical gap={10} data-testid="recover-other-ways">
        <div>
          <Typography.Text type="secondary">{recoverText.otherWays}</Typography.Text>{' '}
          <Link to="/self-service">
            <SafetyCertificateOutlined /> {recoverText.selfService}
          </Link>
          <div style={{ fontSize: 12, color: '#8c8c8c' }}>{recoverText.selfServiceHint}</div>
        </div>
        <div>
          <Typography.Text type="secondary">{recoverText.activationQuestion}</Typography.Text>{' '}
          <Link to="/activate">
            <UserSwitchOutlined /> {recoverText.activation}
          </Link>
        </div>
        <div>
          <Link to="/login">{recoverText.backToLogin}</Link>
        </div>
      </Flex>
    </Page>
  );
}
