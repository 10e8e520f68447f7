import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Grid, List, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { levelAllows, type GroupLevel } from '../../api/groups';
import { consoleApi, type ProjectListItem } from '../../api/projectsConsole';
import { PageFooter } from '../../shared/PageFooter';
import { useLoad } from '../../shared/useLoad';
import { LoadError, StatusTag } from './common';
import { pc, projectStatusText } from './text';

const PAGE_SIZE = 20;

/** The console's 项目管理 tab: the group's projects in every status, and the way to publish one. */
export function ProjectsTab({ groupId, level, approved }: { groupId: string; level: GroupLevel; approved: boolean }) {
  const desktop = !!Grid.useBreakpoint().md;
  const [page, setPage] = useState(1);
  const list = useLoad(() => consoleApi.groupProjects(groupId, { page, pageSize: PAGE_SIZE }), [groupId, page]);
  const canPublish = approved && (levelAllows(level, 'publish_project_direct') || levelAllows(level, 'publish_project_reviewed'));
  const reviewed = levelAllows(level, 'publish_project_reviewed');

  const columns = [
    {
      title: pc.projectName,
      dataIndex: 'name',
      key: 'name',
      render: (name: string, p: ProjectListItem) => <Link to={`/console/projects/${p.id}`}>{name}</Link>,
    },
    { title: pc.projectDates, key: 'dates', render: (_: unknown, p: ProjectListItem) => `${p.startDate} ~ ${p.endDate}` },
    { title: pc.quotaEnrolled, key: 'quota', width: 100, render: (_: unknown, p: ProjectListItem) => `${p.enrolledCount}/${p.totalQuota}` },
    { title: pc.status, dataIndex: 'status', key: 'status', width: 110, render: (s: string) => <StatusTag map={projectStatusText} status={s} /> },
    {
      title: pc.actions,
      key: 'actions',
      width: 80,
      render: (_: unknown, p: ProjectListItem) => (
        <Link to={`/console/projects/${p.id}`}>
          <Button size="small" type="link">
            {pc.manage}
          </Button>
        </Link>
      ),
    },
  ];

  return (
    <div data-testid="console-projects">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {pc.tabProjects}
        </Typography.Title>
        {canPublish && (
          <Link to="/console/projects/new">
            <Button type="primary" icon={<PlusOutlined />} data-testid="publish-project">
              {pc.publish}
            </Button>
          </Link>
        )}
      </Flex>
      {!canPublish && <Alert type="info" showIcon title={pc.levelCannotPublish} style={{ marginBottom: 12 }} />}
      {canPublish && reviewed && <Alert type="info" showIcon title={pc.publishReviewed} style={{ marginBottom: 12 }} />}
      <LoadError error={list.error} onRetry={list.reload} />
      {desktop ? (
        <Table<ProjectListItem>
          rowKey="id"
          size="small"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          columns={columns}
          pagination={false}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pc.noProjects} /> }}
          onRow={(p) => ({ 'data-testid': 'console-project', 'data-name': p.name }) as React.HTMLAttributes<HTMLElement>}
        />
      ) : (
        <List<ProjectListItem>
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pc.noProjects} /> }}
          renderItem={(p) => (
            <Link to={`/console/projects/${p.id}`} style={{ display: 'block' }}>
              <Card size="small" style={{ marginBottom: 8 }} data-testid="console-project" data-name={p.name}>
                <Flex justify="space-between" align="center" gap={8}>
                  <Flex vertical style={{ minWidth: 0 }}>
                    <Typography.Text strong ellipsis>
                      {p.name}
                    </Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {p.startDate} ~ {p.endDate} · {p.enrolledCount}/{p.totalQuota}
                    </Typography.Text>
                  </Flex>
                  <StatusTag map={projectStatusText} status={p.status} />
                </Flex>
              </Card>
            </Link>
          )}
        />
      )}
      <PageFooter total={list.data?.total} page={page} pageSize={PAGE_SIZE} onChange={setPage} simple={!desktop} showSizeChanger={false} />
    </div>
  );
}
