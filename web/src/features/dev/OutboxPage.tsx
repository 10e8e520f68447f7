import { MailOutlined, MessageOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Form, Input, Skeleton, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { Link } from 'react-router-dom';
import { errorTitle } from '../../api/client';
import { getClientConfig, getOutbox } from '../../api/endpoints';
import type { OutboxMessage } from '../../api/types';
import { NotFound } from '../../app/NotFound';
import { Page } from '../../shared/Page';
import { useLoad } from '../../shared/useLoad';
import { devText } from './text';

const KEY = 'zhiyuan.dev.outboxTo';

function remembered(): string {
  try {
    return sessionStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

const formatTime = (iso: string) =>
  new Intl.DateTimeFormat('zh-CN', { dateStyle: 'short', timeStyle: 'medium', hour12: false }).format(new Date(iso));

/** The path and query of a link, so it opens on this server whatever host the message names. */
function localPath(link: string): string | null {
  try {
    const url = new URL(link, window.location.origin);
    return url.pathname + url.search + url.hash;
  } catch {
    return null;
  }
}

/** /dev/outbox: read codes and links without a real SMS gateway or mail server (not in production). */
export function OutboxPage() {
  const config = useLoad(getClientConfig, []);
  if (!config.data) return <Skeleton active style={{ maxWidth: 720, margin: '24px auto' }} />;
  if (config.data.production) return <NotFound />;
  return <Outbox />;
}

function Outbox() {
  const [form] = Form.useForm<{ to: string }>();
  const [to, setTo] = useState<string>(remembered);
  const [items, setItems] = useState<OutboxMessage[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async (address: string) => {
    setLoading(true);
    setError(null);
    try {
      setItems(await getOutbox(address));
    } catch (err) {
      setItems(null);
      setError(err);
    } finally {
      setLoading(false);
    }
  }, []);

  const onFinish = ({ to: raw }: { to: string }) => {
    const address = raw.trim();
    setTo(address);
    try {
      sessionStorage.setItem(KEY, address);
    } catch {
      /* nothing to remember */
    }
    void load(address);
  };

  return (
    <Page title={devText.outboxTitle} docTitle={devText.outboxDocTitle} width="medium">
      <Typography.Paragraph type="secondary">{devText.outboxIntro}</Typography.Paragraph>
      <Form form={form} name="dev-outbox" layout="vertical" initialValues={{ to }} onFinish={onFinish} requiredMark={false}>
        <Form.Item label={devText.address} required htmlFor="dev-outbox_to" style={{ marginBottom: 16 }}>
          <Flex gap={8}>
            <Form.Item name="to" noStyle rules={[{ required: true, whitespace: true, message: devText.addressRequired }]}>
              <Input placeholder={devText.addressPlaceholder} allowClear inputMode="email" autoComplete="off" style={{ flex: 1, minWidth: 0 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={loading} style={{ flex: 'none' }}>
              {devText.search}
            </Button>
          </Flex>
        </Form.Item>
      </Form>
      {error ? (
        <Alert type="error" showIcon title={errorTitle(error)} />
      ) : items === null ? null : (
        <Flex vertical gap={12} data-testid="outbox-list">
          <Flex justify="space-between" align="center">
            <Typography.Text type="secondary">{devText.count(items.length)}</Typography.Text>
            <Button size="small" icon={<ReloadOutlined />} onClick={() => void load(to)} loading={loading}>
              {devText.refresh}
            </Button>
          </Flex>
          {items.length === 0 ? <Empty description={devText.empty} /> : items.map((m, i) => <MessageCard key={`${m.sentAt}-${i}`} message={m} />)}
        </Flex>
      )}
    </Page>
  );
}

function MessageCard({ message: m }: { message: OutboxMessage }) {
  const local = m.link ? localPath(m.link) : null;
  return (
    <Card size="small" data-testid="outbox-item" data-channel={m.channel}>
      <Flex vertical gap={6}>
        <Flex gap={8} align="center" wrap>
          <Tag color={m.channel === 'sms' ? 'green' : 'blue'} icon={m.channel === 'sms' ? <MessageOutlined /> : <MailOutlined />} style={{ marginInlineEnd: 0 }}>
            {m.channel === 'sms' ? devText.sms : devText.email}
          </Tag>
          <Typography.Text strong style={{ flex: 1, minWidth: 0 }} ellipsis={{ tooltip: m.subject }}>
            {m.subject || '—'}
          </Typography.Text>
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {devText.to}：{m.to} · {devText.sentAt}：{formatTime(m.sentAt)}
        </Typography.Text>
        {m.code && (
          <div>
            {devText.code}：
            <Typography.Text copyable strong style={{ fontSize: 20, letterSpacing: 2 }} data-testid="outbox-code">
              {m.code}
            </Typography.Text>
          </div>
        )}
        {m.link && (
          <div style={{ wordBreak: 'break-all' }}>
            {devText.link}：
            <a href={m.link} target="_blank" rel="noreferrer">
              {m.link}
            </a>
            {local && (
              <>
                {' '}
                <Link to={local} data-testid="outbox-open-link">
                  {devText.openHere}
                </Link>
              </>
            )}
          </div>
        )}
        <div style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', background: '#fafafa', borderRadius: 4, padding: 8, fontSize: 13 }}>{m.body}</div>
      </Flex>
    </Card>
  );
}
