import { ApiOutlined, DesktopOutlined, MobileOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Flex, Pagination, Popconfirm, Skeleton, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorTitle } from '../../api/client';
import { endSession, listSessions } from '../../api/endpoints';
import type { SessionInfo } from '../../api/types';
import { useSession } from '../../app/session';
import { Page } from '../../shared/Page';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { sessionsText } from './text';

const PAGE_SIZE = 20;

const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

function formatTime(value: string | null): string {
  if (!value) return sessionsText.unknown;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : timeFormat.format(d);
}

/** A short, readable name for a User-Agent string. */
export function describeAgent(ua: string | null): { label: string; mobile: boolean } {
  if (!ua) return { label: sessionsText.unknownDevice, mobile: false };
  const mobile = /Mobile|Android|iPhone|iPad/i.test(ua);
  const browser = /MicroMessenger/i.test(ua)
    ? '微信'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /(Chrome|Chromium|HeadlessChrome)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : ua.split(/[\s/]/)[0] || sessionsText.unknownDevice;
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /iPhone|iPad|iOS/.test(ua)
      ? 'iOS'
      : /Android/.test(ua)
        ? 'Android'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /HarmonyOS/.test(ua)
            ? 'HarmonyOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : '';
  return { label: sessionsText.onBrowser(browser, os), mobile };
}

function SessionCard({ item, onEnd, ending }: { item: SessionInfo; onEnd: (item: SessionInfo) => void; ending: boolean }) {
  const agent = describeAgent(item.userAgent);
  const icon = item.kind === 'token' ? <ApiOutlined /> : agent.mobile ? <MobileOutlined /> : <DesktopOutlined />;
  return (
    <Card size="small" data-testid="session-item" data-current={item.current ? 'true' : 'false'}>
      <Flex justify="space-between" align="flex-start" gap={12} wrap>
        <Flex gap={12} align="flex-start" style={{ minWidth: 0, flex: '1 1 220px' }}>
          <span style={{ fontSize: 22, color: '#8c8c8c', lineHeight: 1 }}>{icon}</span>
          <div style={{ minWidth: 0 }}>
            <Flex gap={6} wrap align="center">
              <Typography.Text strong>{agent.label}</Typography.Text>
              <Tag>{item.kind === 'token' ? sessionsText.kindToken : sessionsText.kindCookie}</Tag>
              {item.current && <Tag color="green">{sessionsText.current}</Tag>}
            </Flex>
            <div style={{ color: '#595959', fontSize: 13, marginTop: 4 }}>
              <div>
                {sessionsText.ip}：{item.ip ?? sessionsText.unknown}
              </div>
              <div>
                {sessionsText.createdAt}：{formatTime(item.createdAt)}
              </div>
              <div>
                {sessionsText.lastSeenAt}：{formatTime(item.lastSeenAt)}
              </div>
            </div>
          </div>
        </Flex>
        <Popconfirm
          title={item.current ? sessionsText.endCurrentConfirm : sessionsText.endConfirm}
          okText={sessionsText.ok}
          cancelText={sessionsText.cancel}
          onConfirm={() => onEnd(item)}
        >
          <Button danger loading={ending}>
            {sessionsText.end}
          </Button>
        </Popconfirm>
      </Flex>
    </Card>
  );
}

/** The account's live sessions, each of which can be ended. */
export function SessionsPage() {
  const [page, setPage] = useState(1);
  const sessions = useLoad(() => listSessions(page, PAGE_SIZE), [page]);
  const [endingId, setEndingId] = useState<string | null>(null);
  const { message } = App.useApp();
  const session = useSession();
  const navigate = useNavigate();

  const onEnd = async (item: SessionInfo) => {
    setEndingId(item.id);
    try {
      await endSession(item.id);
      if (item.current) {
        session.signedOut();
        void message.info(sessionsText.endedCurrent);
        navigate('/login', { replace: true });
        return;
      }
      void message.success(sessionsText.ended);
      sessions.reload();
    } catch (err) {
      void message.error(errorTitle(err));
    } finally {
      setEndingId(null);
    }
  };

  const data = sessions.data;
  return (
    <Page title={sessionsText.title} width="medium">
      <Typography.Paragraph type="secondary">{sessionsText.intro}</Typography.Paragraph>
      {sessions.error ? (
        <Alert
          type="error"
          showIcon
          title={errorTitle(sessions.error)}
          action={<Button onClick={sessions.reload}>{commonText.retry}</Button>}
        />
      ) : !data ? (
        <Skeleton active />
      ) : data.items.length === 0 ? (
        <Empty description={sessionsText.empty} />
      ) : (
        <Flex vertical gap={12}>
          {data.items.map((item) => (
            <SessionCard key={item.id} item={item} onEnd={onEnd} ending={endingId === item.id} />
          ))}
          {data.total > data.pageSize && (
            <Pagination
              align="center"
              current={data.page}
              pageSize={data.pageSize}
              total={data.total}
              onChange={setPage}
              showSizeChanger={false}
              showTotal={sessionsText.total}
              simple
            />
          )}
        </Flex>
      )}
    </Page>
  );
}
