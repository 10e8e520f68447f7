import { EyeInvisibleOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Flex, List, Popconfirm, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorTitle } from '../../api/client';
import { consoleApi, type ConsoleDiscussion, type ProjectDetail } from '../../api/projectsConsole';
import { useLoad } from '../../shared/useLoad';
import { LoadError, shortDateTime } from './common';
import { pc } from './text';

const PAGE_SIZE = 20;

/** 讨论: the project's board as the public sees it, each post with 隐藏 (the server hides it when the organising group deletes). */
export function DiscussionsPane({ project }: { project: ProjectDetail }) {
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [busy, setBusy] = useState<string | null>(null);
  const list = useLoad(() => consoleApi.discussions(project.id, { page, pageSize: PAGE_SIZE }), [project.id, page]);

  const hide = async (d: ConsoleDiscussion) => {
    setBusy(d.id);
    try {
      await consoleApi.hideDiscussion(d.id);
      void message.success(pc.hidden);
      // The last post of a later page gone: step back rather than show an empty page.
      if (page > 1 && list.data?.items.length === 1) setPage(page - 1);
      else list.reload();
    } catch (err) {
      void message.error(errorTitle(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Flex vertical gap={12} data-testid="discussions-pane">
      <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 13 }}>
        {pc.discussionsHint}
      </Typography.Paragraph>
      <LoadError error={list.error} onRetry={list.reload} />
      <Card size="small" title={list.data ? pc.discussionsTotal(list.data.total) : undefined}>
        <List<ConsoleDiscussion>
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pc.noDiscussions} /> }}
          pagination={
            (list.data?.total ?? 0) > PAGE_SIZE
              ? { current: page, pageSize: PAGE_SIZE, total: list.data?.total, onChange: setPage, size: 'small', showSizeChanger: false }
              : false
          }
          renderItem={(d) => (
            <List.Item data-testid="console-discussion" data-id={d.id} style={{ paddingInline: 0 }}>
              <Flex justify="space-between" gap={8} align="flex-start" style={{ width: '100%' }}>
                <Flex vertical gap={2} style={{ minWidth: 0, flex: 1 }}>
                  <Flex gap={8} wrap align="center">
                    <Typography.Text strong>{d.authorName}</Typography.Text>
                    {d.authorType === 'group' && <Tag color="blue">{pc.byGroup}</Tag>}
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {shortDateTime(d.createdAt)}
                    </Typography.Text>
                  </Flex>
                  {/* Plain text: React escapes it. */}
                  <Typography.Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{d.body}</Typography.Text>
                </Flex>
                <Popconfirm
                  title={pc.hideConfirm}
                  description={pc.hideConfirmHint}
                  onConfirm={() => hide(d)}
                  okButtonProps={{ danger: true, ...({ 'data-testid': 'discussion-hide-ok' } as object) }}
                >
                  <Button size="small" danger icon={<EyeInvisibleOutlined />} loading={busy === d.id} data-testid="discussion-hide">
                    {pc.hide}
                  </Button>
                </Popconfirm>
              </Flex>
            </List.Item>
          )}
        />
      </Card>
    </Flex>
  );
}
