import { AuditOutlined, ReadOutlined, SwapOutlined, TrophyOutlined, CalendarOutlined, ClockCircleOutlined, ClusterOutlined, FlagOutlined, HomeOutlined, IdcardOutlined, KeyOutlined, LaptopOutlined, LoginOutlined, LogoutOutlined, MenuOutlined, SafetyCertificateOutlined, SettingOutlined, TeamOutlined, UserAddOutlined, UserOutlined } from '@ant-design/icons';
import { App, Button, Drawer, Grid, Layout, Menu, Select, Typography, type MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { getClientConfig } from '../../api/endpoints';
import { useSession } from '../../app/session';
import { useLoad } from '../../shared/useLoad';
import type { AccountType } from '../../api/types';
import { errorTitle } from '../../api/client';
import { useSpaces } from '../groups/spaces';
import { groupText } from '../groups/text';
import { devText } from '../dev/text';
import { layoutText } from './text';

const { Header, Content, Footer } = Layout;

const BRAND_RED = '#c8161d';

function menuItems(type: AccountType | null, inGroupSpace: boolean, desktop: boolean): MenuProps['items'] {
  const link = (key: string, icon: ReactNode, label: string) => ({ key, icon, label: <Link to={key}>{label}</Link> });
  const groups = link('/groups', <TeamOutlined />, layoutText.groups);
  const projects = link('/projects', <FlagOutlined />, layoutText.projects);
  if (type) {
    const common = [link('/me/password', <KeyOutlined />, layoutText.changePassword), link('/me/sessions', <LaptopOutlined />, layoutText.sessions)];
    if (type === 'group') {
      return [link('/console', <SettingOutlined />, layoutText.console), link('/console/reviews', <AuditOutlined />, layoutText.reviews), groups, projects, ...common];
    }
    if (type === 'admin') {
      return [link('/', <HomeOutlined />, layoutText.home), link('/console/reviews', <AuditOutlined />, layoutText.reviews), groups, projects, ...common];
    }
    const mine = [
      link('/me/projects', <FlagOutlined />, layoutText.myProjects),
      link('/me/schedule', <CalendarOutlined />, layoutText.mySchedule),
      link('/me/hours', <ClockCircleOutlined />, layoutText.myHours),
      link('/me/certificates', <SafetyCertificateOutlined />, layoutText.myCertificates),
      link('/me/card', <IdcardOutlined />, layoutText.myCard),
      link('/me/groups', <ClusterOutlined />, layoutText.myGroups),
      link('/me/trainings', <ReadOutlined />, layoutText.myTrainings),
      link('/me/commendations', <TrophyOutlined />, layoutText.myCommendations),
      link('/me/transfer', <SwapOutlined />, layoutText.transfer),
    ];
    return [
      link('/', <HomeOutlined />, layoutText.home),
      ...(inGroupSpace ? [link('/console', <SettingOutlined />, layoutText.console)] : []),
      projects,
      groups,
      link('/trainings', <ReadOutlined />, layoutText.trainings),
      // The PC header has room for few entries: there the volunteer's own lists share one drop-down.
      ...(type === 'volunteer' ? (desktop ? [{ key: 'mine', icon: <UserOutlined />, label: layoutText.mine, children: mine }] : mine) : []),
      ...common,
    ];
  }
  return [
    link('/login', <LoginOutlined />, layoutText.login),
    link('/register', <UserAddOutlined />, layoutText.register),
    projects,
    groups,
    link('/groups/register', <ClusterOutlined />, layoutText.registerGroup),
  ];
}

/** 个人空间 / group spaces, for people who may act for groups (seed 004 §五). */
function SpaceSwitcher({ compact }: { compact: boolean }) {
  const spaces = useSpaces();
  const navigate = useNavigate();
  const { message } = App.useApp();
  if (spaces.items.length === 0) return null;
  return (
    <Select
      size="small"
      value={spaces.current?.groupId ?? ''}
      data-testid="space-switcher"
      aria-label={layoutText.space}
      popupMatchSelectWidth={false}
      style={{ width: compact ? 110 : 180 }}
      options={[
        { value: '', label: groupText.personalSpace },
        ...spaces.items.map((s) => ({ value: s.groupId, label: s.name })),
      ]}
      onChange={async (value: string) => {
        try {
          const next = await spaces.switchTo(value || null);
          void message.success(groupText.spaceSwitched(next?.name ?? groupText.personalSpace));
          navigate(next ? '/console' : '/');
        } catch (err) {
          void message.error(`${groupText.spaceSwitchFailed}：${errorTitle(err)}`);
          spaces.reload();
        }
      }}
    />
  );
}

export function AppLayout() {
  const screens = Grid.useBreakpoint();
  // Until the first measurement assume a phone: the drawer works everywhere.
  const desktop = !!screens.md;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const session = useSession();
  const signedIn = session.status === 'signedIn' && !!session.me;
  const location = useLocation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const config = useLoad(getClientConfig, []);
  const spaces = useSpaces();
  const items = menuItems(signedIn && session.me ? session.me.type : null, !!spaces.current, desktop);
  const path = location.pathname;
  const selected = path.startsWith('/register')
    ? '/register'
    : path === '/groups/register' || path === '/console/reviews'
      ? path
      : path.startsWith('/groups')
        ? '/groups'
        : path.startsWith('/projects')
          ? '/projects'
          : path.startsWith('/console')
            ? '/console'
            : path;

  const logout = async () => {
    setDrawerOpen(false);
    try {
      await session.logout();
      void message.success(layoutText.loggedOut);
    } catch {
      void message.warning(layoutText.logoutFailed);
    }
    navigate('/login', { replace: true });
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header
        style={{
          position: 'sticky',
          top: 0,
          zIndex: 10,
          display: 'flex',
          alignItems: 'center',
          gap: desktop ? 24 : 8,
          padding: desktop ? '0 24px' : '0 12px',
          background: '#fff',
          borderBottom: '1px solid #f0f0f0',
          height: 56,
          lineHeight: '56px',
        }}
      >
        {!desktop && (
          <Button
            type="text"
            icon={<MenuOutlined />}
            aria-label={layoutText.openMenu}
            onClick={() => setDrawerOpen(true)}
            data-testid="menu-toggle"
          />
        )}
        <Link to="/" style={{ display: 'flex', alignItems: 'center', gap: 8, flex: 'none', color: BRAND_RED }} aria-label={layoutText.appName}>
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span style={{ fontSize: 20, fontWeight: 700, letterSpacing: 2 }}>{layoutText.appName}</span>
          {desktop && <span style={{ color: '#8c8c8c', fontSize: 13 }}>{layoutText.tagline}</span>}
        </Link>
        {desktop ? (
          <Menu
            mode="horizontal"
            selectedKeys={[selected]}
            items={items}
            style={{ flex: 1, minWidth: 0, borderBottom: 'none', lineHeight: '54px' }}
          />
        ) : (
          <div style={{ flex: 1 }} />
        )}
        {signedIn && session.me && (
          <div style={{ display: 'flex', alignItems: 'center', gap: 4, minWidth: 0, flex: 'none' }}>
            <SpaceSwitcher compact={!desktop} />
            {/* On a phone with a space switcher the username moves into the menu drawer, keeping the bar 375 px wide. */}
            {(desktop || spaces.items.length === 0) && (
              <>
                <UserOutlined style={{ color: '#8c8c8c' }} />
                <Typography.Text
                  data-testid="topbar-username"
                  title={layoutText.signedInAs(session.me.username)}
                  ellipsis
                  style={{ maxWidth: desktop ? 200 : 96 }}
                >
                  {session.me.username}
                </Typography.Text>
              </>
            )}
            <Button type="link" size="small" icon={<LogoutOutlined />} onClick={logout} data-testid="logout">
              {layoutText.logout}
            </Button>
          </div>
        )}
      </Header>
      {!desktop && (
        <Drawer
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          placement="left"
          size={260}
          title={signedIn && session.me ? layoutText.signedInAs(session.me.username) : layoutText.menu}
          styles={{ body: { padding: 0 } }}
        >
          <Menu
            mode="inline"
            selectedKeys={[selected]}
            items={items}
            onClick={() => setDrawerOpen(false)}
            style={{ borderInlineEnd: 'none' }}
          />
          {signedIn && (
            <div style={{ padding: 16 }}>
              <Button block icon={<LogoutOutlined />} onClick={logout}>
                {layoutText.logout}
              </Button>
            </div>
          )}
        </Drawer>
      )}
      <Content style={{ padding: desktop ? '24px 24px' : '12px 0', width: '100%' }}>
        <Outlet />
      </Content>
      <Footer style={{ textAlign: 'center', color: '#8c8c8c', fontSize: 12, padding: '16px 12px' }}>
        <div>{layoutText.footer}</div>
        {config.data && !config.data.production && (
          <div style={{ marginTop: 4 }}>
            <Link to="/dev/outbox" data-testid="footer-dev-outbox">
              {devText.footerLink}
            </Link>
          </div>
        )}
      </Footer>
    </Layout>
  );
}
