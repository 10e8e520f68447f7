import { KeyOutlined, LaptopOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Flex, Tag, Typography } from 'antd';
import { Link, Navigate } from 'react-router-dom';
import { getSites } from '../../api/endpoints';
import type { RealNameStatus } from '../../api/types';
import { useSession } from '../../app/session';
import { Page } from '../../shared/Page';
import { realNameLevelText, realNameText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { HomeSummary } from '../projects/HomeSummary';
import { homeText } from './text';

export function RealNameTag({ status }: { status: RealNameStatus }) {
  const t = realNameText[status];
  return (
    <Tag color={t.color} data-testid="realname-status" data-status={status}>
      {t.label}
    </Tag>
  );
}

/** The signed-in person's own page (seed 002 §2.1.6.1). */
export function HomePage() {
  const { me } = useSession();
  const sites = useLoad(getSites, []);
  if (!me) return null;
  // A group account's home is its console.
  if (me.type === 'group') return <Navigate to="/console" replace />;
  const siteName = sites.data?.find((s) => s.code === me.siteCode)?.name ?? me.siteCode ?? homeText.unknown;
  const status = me.realNameStatus;
  const displayName = me.name || me.username;
  return (
    <Page title={homeText.title} width="medium">
      <Flex vertical gap={16}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {homeText.hello}
          <span data-testid="home-name" style={{ color: status ? realNameText[status].nameColor : undefined }}>
            {displayName}
          </span>
        </Typography.Title>
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, sm: 1, md: 2 }}
          items={[
            { key: 'name', label: homeText.name, children: me.name ?? homeText.unknown },
            { key: 'username', label: homeText.username, children: <span data-testid="home-username">{me.username}</span> },
            { key: 'site', label: homeText.site, children: siteName },
            ...(me.type !== 'volunteer' ? [{ key: 'type', label: homeText.accountType, children: homeText.accountTypes[me.type] }] : []),
            {
              key: 'number',
              label: homeText.volunteerNumber,
              children: (
                <span data-testid="home-volunteer-number">{me.volunteerNumber || homeText.volunteerNumberPending}</span>
              ),
            },
            ...(status
              ? [{ key: 'realname', label: homeText.realNameStatus, children: <RealNameTag status={status} /> }]
              : []),
            ...(me.realNameLevel
              ? [
                  {
                    key: 'level',
                    label: homeText.realNameLevel,
                    children: (
                      <span data-testid="realname-level" data-level={me.realNameLevel}>
                        {realNameLevelText[me.realNameLevel]}
                      </span>
                    ),
                  },
                ]
              : []),
          ]}
        />
        {status && (
          <Alert
            type={status === 'verified' ? 'success' : status === 'pending' ? 'info' : status === 'failed' ? 'error' : 'warning'}
            showIcon
            title={realNameText[status].label}
            description={
              <>
                {realNameText[status].next}
                {status === 'no_result' && (
                  <>
                    {' '}
                    <Link to="/self-service" data-testid="realname-self-service">
                      {homeText.goSelfService}
                    </Link>
                  </>
                )}
              </>
            }
            data-testid="realname-next"
          />
        )}
        {me.type === 'volunteer' && <HomeSummary />}
        <div>
          <Typography.Text type="secondary">{homeText.quickLinks}</Typography.Text>
          <Flex gap={8} wrap style={{ marginTop: 8 }}>
            <Link to="/me/password">
              <Button icon={<KeyOutlined />}>{homeText.changePassword}</Button>
            </Link>
            <Link to="/me/sessions">
              <Button icon={<LaptopOutlined />}>{homeText.sessions}</Button>
            </Link>
          </Flex>
        </div>
      </Flex>
    </Page>
  );
}
