import { FlagOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Flex, List, Popconfirm, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { projectsApi, type MyProject } from '../../api/projects';
import { Page } from '../../shared/Page';
import { PageFooter } from '../../shared/PageFooter';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { useTabParam } from '../../shared/useTabParam';
import { errorTitle, formatTime, LabelTag, ProjectStatusTag } from './common';
import { enrollmentStatusText, projectText as T } from './text';

type Tab = 'enrolled' | 'pending' | 'rejected';
const TABS: Tab[] = ['enrolled', 'pending', 'rejected'];
const PAGE_SIZE = 10;

/** /me/projects: 我的项目 with 已加入 / 待审核 / 未通过 (seed 002 §2.1.8.1 图 2-47). */
export function MyProjectsPage() {
  const [tab, setTab] = useTabParam(TABS, 'enrolled');
  const limits = useLoad(() => projectsApi.myLimits(), []);
  const [tick, setTick] = useState(0);
  return (
    <Page
      title={
        <span>
          <FlagOutlined /> {T.myProjectsTitle}
        </span>
      }
      docTitle={T.myProjectsTitle}
      width="medium"
      extra={
        <Link to="/projects">
          <Button type="primary" size="small" data-testid="join-more">
            {T.joinMore}
          </Button>
        </Link>
      }
    >
      {limits.data && (
        <Tag color="blue" style={{ marginBottom: 8 }} data-testid="project-limit">
          {T.pendingLimit(limits.data.used, limits.data.limit)}
        </Tag>
      )}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={TABS.map((t) => ({
          key: t,
          label: <span data-testid={`tab-${t}`}>{T.tabs[t]}</span>,
          children: (
            <MyProjectList
              key={`${t}-${tick}`}
              status={t}
              onChanged={() => {
                setTick((n) => n + 1);
                limits.reload();
              }}
            />
          ),
        }))}
      />
    </Page>
  );
}

function MyProjectList({ status, onChanged }: { status: Tab; onChanged: () => void }) {
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const list = useLoad(() => projectsApi.myProjects({ status, page, pageSize: PAGE_SIZE }), [status, page]);
  const [busy, setBusy] = useState<string | null>(null);
  const cancel = async (e: MyProject) => {
    setBusy(e.projectId);
    try {
      await projectsApi.cancelEnrolment(e.projectId);
      void message.success(T.enrolmentCancelled);
      onChanged();
    } catch (err) {
      void message.error(errorTitle(err));
    } finally {
      setBusy(null);
    }
  };
  if (list.error) {
    return <Alert type="error" showIcon title={errorTitle(list.error)} action={<Button onClick={list.reload}>{commonText.retry}</Button>} />;
  }
  return (
    <>
      <List<MyProject>
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: <Empty description={T.noMyProjects} /> }}
        renderItem={(e) => (
          <Card size="small" style={{ marginBottom: 8 }} data-testid="my-project" data-project-id={e.projectId}>
            <Flex vertical gap={4}>
              <Flex justify="space-between" gap={8} align="start">
                <Link to={`/projects/${encodeURIComponent(e.projectId)}`} style={{ fontWeight: 600, fontSize: 15, minWidth: 0 }}>
                  {e.projectName}
                </Link>
                <Flex gap={4} style={{ flex: 'none' }}>
                  <ProjectStatusTag status={e.projectStatus} />
                  <LabelTag map={enrollmentStatusText} value={e.status} />
                </Flex>
              </Flex>
              <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                {T.position}：{e.positionName} · {T.dateRange(e.startDate, e.endDate)}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 13 }} ellipsis>
                {T.address}：{e.address}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {T.appliedAt} {formatTime(e.appliedAt)}
                {e.decidedAt ? ` · ${T.decidedAt} ${formatTime(e.decidedAt)}` : ''}
              </Typography.Text>
              {e.status === 'rejected' && e.reason && <Typography.Text type="danger">{T.rejectedReason(e.reason)}</Typography.Text>}
              {(e.status === 'pending' || e.status === 'enrolled') && (
                <Popconfirm title={T.cancelEnrolmentConfirm} okText={T.cancelEnrolment} cancelText={T.cancel} onConfirm={() => cancel(e)}>
                  <Button size="small" danger loading={busy === e.projectId} style={{ alignSelf: 'flex-end' }}>
                    {T.cancelEnrolment}
                  </Button>
                </Popconfirm>
              )}
            </Flex>
          </Card>
        )}
      />
      <PageFooter total={list.data?.total} page={page} pageSize={PAGE_SIZE} onChange={setPage} simple />
    </>
  );
}
