import { ArrowLeftOutlined, EnvironmentOutlined, FlagOutlined, UserAddOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Empty, Flex, Form, Grid, Input, List, Modal, Popconfirm, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { projectsApi, type MyProject, type Position, type ProjectDetail, type PublicHour, type Shift } from '../../api/projects';
import { useSession } from '../../app/session';
import { DetailFallback } from '../../shared/DetailFallback';
import { Page } from '../../shared/Page';
import { PageFooter } from '../../shared/PageFooter';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { useLoad } from '../../shared/useLoad';
import { errorTitle, formatHours, formatTime, LabelTag, mapLink, ProjectStatusTag, shiftSpan, useCategoryNames } from './common';
import { enrollmentStatusText, projectText as T, scopeText, targetText } from './text';

/** /projects/:id: a project (seed 002 图 2-49/2-50): information, positions and 我要报名, shifts, 讨论, 时长公示 with 举报. */
export function ProjectDetailPage() {
  const { id = '' } = useParams();
  const detail = useLoad(() => projectsApi.detail(id), [id]);
  const p = detail.data;

  if (!p) {
    return <DetailFallback title={T.searchTitle} error={detail.error} onRetry={detail.reload} backTo="/projects" backText={T.searchTitle} />;
  }
  return <Detail project={p} reload={detail.reload} />;
}

function Detail({ project: p, reload }: { project: ProjectDetail; reload: () => void }) {
  const categoryNames = useCategoryNames();
  const { me } = useSession();
  const isVolunteer = me?.type === 'volunteer';
  // The detail does not say whether I applied: my pending and accepted enrolments do (at most a few).
  const mine = useLoad(async (): Promise<MyProject | null> => {
    if (!isVolunteer) return null;
    for (const status of ['enrolled', 'pending', 'rejected'] as const) {
      const page = await projectsApi.myProjects({ status, pageSize: 100 });
      const found = page.items.find((e) => e.projectId === p.id);
      if (found) return found;
    }
    return null;
  }, [p.id, isVolunteer]);
  const refresh = () => {
    reload();
    mine.reload();
  };

  return (
    <Page
      title={<span data-testid="project-name">{p.name}</span>}
      docTitle={p.name}
      width="wide"
      extra={
        <Link to="/projects" aria-label={T.searchTitle}>
          <ArrowLeftOutlined /> {T.searchTitle}
        </Link>
      }
    >
      <Flex vertical gap={16}>
        {p.coverUrl && (
          <img src={p.coverUrl} alt="" style={{ width: '100%', maxHeight: 280, objectFit: 'cover', borderRadius: 8 }} data-testid="project-cover" />
        )}
        <Flex gap={8} wrap align="center">
          <ProjectStatusTag status={p.status} />
          <Tag style={{ marginInlineEnd: 0 }}>{categoryNames([p.category])}</Tag>
          <Tag style={{ marginInlineEnd: 0 }}>{scopeText[p.enrollmentScope] ?? p.enrollmentScope}</Tag>
          <Typography.Text type="secondary">{p.regionName || p.regionCode}</Typography.Text>
        </Flex>
        {p.status === 'cancelled' && p.cancelReason && <Alert type="warning" showIcon title={`${T.cancelReason}：${p.cancelReason}`} />}
        <Flex gap={12} wrap>
          <Card size="small" style={{ flex: '1 1 100px' }}>
            <Statistic title={T.quota} value={`${p.enrolledCount}/${p.totalQuota}`} />
          </Card>
          <Card size="small" style={{ flex: '1 1 100px' }}>
            <Statistic title={T.totalHours} value={formatHours(p.totalHours)} suffix={T.hoursUnit} />
          </Card>
        </Flex>
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, sm: 1, md: 2 }}
          styles={{ label: { whiteSpace: 'nowrap' } }}
          items={[
            { key: 'group', label: T.group, children: <Link to={`/groups/${encodeURIComponent(p.groupId)}`}>{p.groupName}</Link> },
            { key: 'dates', label: T.dates, children: T.dateRange(p.startDate, p.endDate) },
            { key: 'recruit', label: T.recruitWindow, children: T.dateRange(p.recruitFrom, p.recruitTo) },
            { key: 'target', label: T.target, children: targetText[p.serviceTarget] ?? p.serviceTarget },
            { key: 'address', label: T.address, children: p.address },
            {
              key: 'map',
              label: T.mapPoint,
              children: p.location ? (
                <Flex gap={8} wrap align="center">
                  <span data-testid="project-point">
                    {p.location.lat.toFixed(5)}, {p.location.lng.toFixed(5)}
                  </span>
                  <a href={mapLink(p.location.lat, p.location.lng, p.name)} target="_blank" rel="noreferrer">
                    <EnvironmentOutlined /> {T.openMap}
                  </a>
                </Flex>
              ) : (
                '—'
              ),
            },
          ]}
        />
        <MyEnrolment project={p} mine={mine.data ?? null} onChange={refresh} />
        <Tabs
          items={[
            {
              key: 'positions',
              label: T.positions,
              children: <Positions project={p} mine={mine.data ?? null} onEnrolled={refresh} />,
            },
            { key: 'shifts', label: T.shifts, children: <Shifts projectId={p.id} mine={mine.data ?? null} /> },
            { key: 'description', label: T.description, children: <Description text={p.description} /> },
            { key: 'discussion', label: T.discussion, children: <Discussions projectId={p.id} /> },
            { key: 'hours', label: T.publicHours, children: <PublicHours projectId={p.id} /> },
          ]}
          data-testid="project-tabs"
        />
      </Flex>
    </Page>
  );
}

function Description({ text }: { text: string }) {
  if (!text) return <Typography.Text type="secondary">{T.noDescription}</Typography.Text>;
  return <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{text}</Typography.Paragraph>;
}

function MyEnrolment({ project, mine, onChange }: { project: ProjectDetail; mine: MyProject | null; onChange: () => void }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  if (!mine) return null;
  const cancellable = mine.status === 'pending' || mine.status === 'enrolled';
  return (
    <Alert
      type={mine.status === 'enrolled' ? 'success' : mine.status === 'pending' ? 'info' : 'warning'}
      showIcon
      data-testid="my-enrolment"
      data-status={mine.status}
      title={
        <Flex gap={8} wrap align="center">
          <span>
            {T.myEnrolment}：{mine.positionName}
          </span>
          <LabelTag map={enrollmentStatusText} value={mine.status} />
        </Flex>
      }
      description={mine.status === 'rejected' && mine.reason ? T.rejectedReason(mine.reason) : undefined}
      action={
        cancellable ? (
          <Popconfirm
            title={T.cancelEnrolmentConfirm}
            okText={T.cancelEnrolment}
            cancelText={T.cancel}
            onConfirm={async () => {
              setBusy(true);
              try {
                await projectsApi.cancelEnrolment(project.id);
                void message.success(T.enrolmentCancelled);
                onChange();
              } catch (err) {
                void message.error(errorTitle(err));
              } finally {
                setBusy(false);
              }
            }}
          >
            <Button size="small" danger loading={busy} data-testid="cancel-enrolment">
              {T.cancelEnrolment}
            </Button>
          </Popconfirm>
        ) : undefined
      }
    />
  );
}

function Positions({ project, mine, onEnrolled }: { project: ProjectDetail; mine: MyProject | null; onEnrolled: () => void }) {
  const { me } = useSession();
  const location = useLocation();
  const [target, setTarget] = useState<Position | null>(null);
  const active = mine && (mine.status === 'pending' || mine.status === 'enrolled');
  const canEnrol = project.recruitmentOpen && project.status === 'recruiting' && !active;
  return (
    <>
      {!project.recruitmentOpen && project.status === 'recruiting' && (
        <Alert type="info" showIcon title={T.recruitmentClosed} style={{ marginBottom: 12 }} />
      )}
      {me && me.type !== 'volunteer' && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {T.onlyVolunteers}
        </Typography.Paragraph>
      )}
      <List<Position>
        dataSource={project.positions}
        locale={{ emptyText: <Empty /> }}
        renderItem={(pos) => {
          const full = pos.enrolledCount >= pos.quota;
          return (
            <List.Item data-testid="position" data-position-id={pos.id} style={{ paddingInline: 0 }}>
              <Flex justify="space-between" align="center" gap={8} style={{ width: '100%' }} wrap>
                <Flex vertical gap={2} style={{ minWidth: 0, flex: '1 1 180px' }}>
                  <Typography.Text strong>{pos.name}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 13 }} data-testid="position-quota">
                    {T.positionQuota(pos.enrolledCount, pos.quota)}
                    {full && (
                      <Tag color="red" style={{ marginInlineStart: 6 }}>
                        {T.full}
                      </Tag>
                    )}
                  </Typography.Text>
                  {pos.requirements && (
                    <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                      {T.requirements}：{pos.requirements}
                    </Typography.Text>
                  )}
                </Flex>
                {!me ? (
                  canEnrol && (
                    <Link to="/login" state={{ from: location.pathname }}>
                      <Button>{T.signInToEnrol}</Button>
                    </Link>
                  )
                ) : me.type === 'volunteer' && canEnrol ? (
                  <Button type="primary" icon={<UserAddOutlined />} onClick={() => setTarget(pos)} data-testid="enrol">
                    {T.enrol}
                  </Button>
                ) : mine && mine.positionId === pos.id ? (
                  <LabelTag map={enrollmentStatusText} value={mine.status} />
                ) : null}
              </Flex>
            </List.Item>
          );
        }}
      />
      <EnrolModal project={project} position={target} onClose={() => setTarget(null)} onEnrolled={onEnrolled} />
    </>
  );
}

function EnrolModal({ project, position, onClose, onEnrolled }: { project: ProjectDetail; position: Position | null; onClose: () => void; onEnrolled: () => void }) {
  const { message } = App.useApp();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [wait, setWait] = useState(0);
  const limits = useLoad(() => (position ? projectsApi.myLimits(project.siteCode) : Promise.resolve(null)), [position?.id, project.siteCode]);
  const onFinish = async (v: { exemptPassword?: string }) => {
    if (!position) return;
    setBusy(true);
    setFailure(null);
    try {
      const res = await projectsApi.enrol(project.id, position.id, v.exemptPassword?.trim() || undefined);
      void message.success(res.status === 'enrolled' ? T.enrolledNow : T.appliedNow);
      onClose();
      onEnrolled();
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={!!position}
      title={position ? T.enrolTitle(position.name) : ''}
      onCancel={() => {
        setFailure(null);
        onClose();
      }}
      footer={null}
      destroyOnHidden
    >
      {limits.data && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }} data-testid="pending-limit">
          {T.pendingLimit(limits.data.used, limits.data.limit)}
        </Typography.Paragraph>
      )}
      <Form layout="vertical" onFinish={onFinish}>
        {project.exemptPasswordSet && (
          <Form.Item name="exemptPassword" label={T.exemptPassword} extra={T.exemptPasswordHint}>
            <Input.Password autoComplete="off" maxLength={32} data-testid="enrol-exempt-password" />
          </Form.Item>
        )}
        <ProblemAlert failure={failure} onWait={setWait} />
        <Button type="primary" htmlType="submit" block loading={busy} disabled={wait > 0} data-testid="enrol-submit">
          {T.submit}
        </Button>
      </Form>
    </Modal>
  );
}

function Shifts({ projectId, mine }: { projectId: string; mine: MyProject | null }) {
  const { message } = App.useApp();
  const shifts = useLoad(() => projectsApi.shifts(projectId), [projectId]);
  const enrolled = mine?.status === 'enrolled';
  const schedule = useLoad(() => (enrolled ? projectsApi.mySchedule() : Promise.resolve({ items: [] })), [enrolled]);
  const [busy, setBusy] = useState<string | null>(null);
  const picked = new Set((schedule.data?.items ?? []).map((s) => s.shiftId));
  const act = async (shift: Shift, join: boolean) => {
    setBusy(shift.id);
    try {
      if (join) await projectsApi.pickShift(shift.id);
      else await projectsApi.dropShift(shift.id);
      void message.success(join ? T.shiftPicked : T.shiftDropped);
      shifts.reload();
      schedule.reload();
    } catch (err) {
      void message.error(errorTitle(err));
    } finally {
      setBusy(null);
    }
  };
  if (shifts.error) return <Alert type="error" showIcon title={errorTitle(shifts.error)} />;
  const items = shifts.data?.items ?? [];
  return (
    <>
      {!enrolled && items.length > 0 && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
          {T.shiftHint}
        </Typography.Paragraph>
      )}
      <List<Shift>
        loading={shifts.loading}
        dataSource={items}
        locale={{ emptyText: <Empty description={T.noShifts} /> }}
        renderItem={(s) => {
          const mineHere = picked.has(s.id);
          const mayPick = enrolled && mine?.positionId === s.positionId;
          return (
            <List.Item data-testid="shift" data-shift-id={s.id} style={{ paddingInline: 0 }}>
              <Flex justify="space-between" align="center" gap={8} style={{ width: '100%' }} wrap>
                <Flex vertical gap={2} style={{ minWidth: 0 }}>
                  <Typography.Text strong>{shiftSpan(s.startsAt, s.endsAt)}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {s.positionName} · {T.shiftCapacity(s.assigned, s.capacity)}
                  </Typography.Text>
                </Flex>
                {mineHere ? (
                  <Flex gap={6} align="center">
                    <Tag color="green" style={{ marginInlineEnd: 0 }}>
                      {T.picked}
                    </Tag>
                    <Button size="small" loading={busy === s.id} onClick={() => void act(s, false)}>
                      {T.dropShift}
                    </Button>
                  </Flex>
                ) : mayPick ? (
                  <Button
                    size="small"
                    type="primary"
                    disabled={s.assigned >= s.capacity}
                    loading={busy === s.id}
                    onClick={() => void act(s, true)}
                    data-testid="pick-shift"
                  >
                    {s.assigned >= s.capacity ? T.full : T.pickShift}
                  </Button>
                ) : null}
              </Flex>
            </List.Item>
          );
        }}
      />
    </>
  );
}

function Discussions({ projectId }: { projectId: string }) {
  const { me } = useSession();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const list = useLoad(() => projectsApi.discussions(projectId, { page, pageSize: 10 }), [projectId, page]);
  const [body, setBody] = useState('');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const post = async () => {
    if (!body.trim()) return;
    setBusy(true);
    setFailure(null);
    try {
      await projectsApi.postDiscussion(projectId, body.trim());
      setBody('');
      void message.success(T.posted);
      setPage(1);
      list.reload();
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Flex vertical gap={12}>
      {me ? (
        <Flex vertical gap={8}>
          <Input.TextArea
            rows={3}
            maxLength={500}
            showCount
            value={body}
            onChange={(e) => setBody(e.target.value)}
            placeholder={T.discussionPlaceholder}
            data-testid="discussion-body"
          />
          <ProblemAlert failure={failure} />
          <Button type="primary" onClick={() => void post()} loading={busy} disabled={!body.trim()} style={{ alignSelf: 'flex-end' }} data-testid="discussion-post">
            {T.post}
          </Button>
        </Flex>
      ) : (
        <Link to="/login">{T.signInToPost}</Link>
      )}
      {list.error ? (
        <Alert type="error" showIcon title={errorTitle(list.error)} />
      ) : (
        <List
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty description={T.noDiscussion} /> }}
          renderItem={(d) => (
            <List.Item data-testid="discussion" style={{ paddingInline: 0 }}>
              <Flex vertical gap={4} style={{ width: '100%' }}>
                <Flex justify="space-between" gap={8}>
                  <Typography.Text strong>
                    {d.authorName || T.anonymousAuthor}
                    {d.authorType === 'group' && (
                      <Tag color="blue" style={{ marginInlineStart: 6 }}>
                        {T.groupAuthor}
                      </Tag>
                    )}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatTime(d.createdAt)}
                  </Typography.Text>
                </Flex>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{d.body}</Typography.Paragraph>
              </Flex>
            </List.Item>
          )}
        />
      )}
      <PageFooter total={list.data?.total} page={page} pageSize={10} onChange={setPage} marginTop={0} simple />
    </Flex>
  );
}

function PublicHours({ projectId }: { projectId: string }) {
  const screens = Grid.useBreakpoint();
  const desktop = !!screens.md;
  const [page, setPage] = useState(1);
  const list = useLoad(() => projectsApi.publicHours(projectId, { page, pageSize: 20 }), [projectId, page]);
  const [target, setTarget] = useState<PublicHour | null>(null);
  const reportButton = (h: PublicHour) => (
    <Button size="small" type="link" danger icon={<WarningOutlined />} onClick={() => setTarget(h)} data-testid="report-hour" style={{ paddingInline: 0 }}>
      {T.report}
    </Button>
  );
  if (list.error) return <Alert type="error" showIcon title={errorTitle(list.error)} />;
  const items = list.data?.items ?? [];
  return (
    <>
      {desktop ? (
        <Table<PublicHour>
          rowKey="id"
          size="small"
          loading={list.loading}
          dataSource={items}
          pagination={false}
          locale={{ emptyText: <Empty description={T.noPublicHours} /> }}
          onRow={(h) => ({ 'data-testid': 'public-hour', 'data-hour-id': h.id }) as HTMLAttributes<HTMLTableRowElement>}
          columns={[
            { title: T.volunteer, dataIndex: 'volunteerName' },
            { title: T.serviceDate, dataIndex: 'serviceDate', width: 120 },
            { title: T.time, key: 'time', width: 130, render: (_, h) => `${h.startTime}–${h.endTime}` },
            { title: T.hours, dataIndex: 'hours', width: 80, align: 'right', render: (v: number) => formatHours(v) },
            { title: '', key: 'report', width: 80, render: (_, h) => reportButton(h) },
          ]}
        />
      ) : (
        <List<PublicHour>
          loading={list.loading}
          dataSource={items}
          locale={{ emptyText: <Empty description={T.noPublicHours} /> }}
          renderItem={(h) => (
            <List.Item data-testid="public-hour" data-hour-id={h.id} style={{ paddingInline: 0 }}>
              <Flex justify="space-between" align="center" gap={8} style={{ width: '100%' }}>
                <Flex vertical gap={2} style={{ minWidth: 0 }}>
                  <Typography.Text>
                    {h.volunteerName} · <strong>{formatHours(h.hours)}</strong> {T.hoursUnit}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {h.serviceDate} {h.startTime}–{h.endTime}
                  </Typography.Text>
                </Flex>
                {reportButton(h)}
              </Flex>
            </List.Item>
          )}
        />
      )}
      <PageFooter total={list.data?.total} page={page} pageSize={20} onChange={setPage} simple={!desktop} showSizeChanger={false} />
      <ReportModal hour={target} onClose={() => setTarget(null)} />
    </>
  );
}

/** 举报 (seed 002 §2.1.6.7): a signed-in person says a public hour record is not true. */
function ReportModal({ hour, onClose }: { hour: PublicHour | null; onClose: () => void }) {
  const { me } = useSession();
  const location = useLocation();
  const { message } = App.useApp();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setFailure(null);
    onClose();
  };
  const onFinish = async (v: { reason: string }) => {
    if (!hour) return;
    setBusy(true);
    setFailure(null);
    try {
      await projectsApi.report(hour.id, v.reason.trim());
      void message.success(T.reported);
      close();
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={!!hour} title={T.reportTitle} onCancel={close} footer={null} destroyOnHidden>
      {hour && (
        <Typography.Paragraph type="secondary">
          <FlagOutlined /> {T.reportFor(hour.volunteerName, hour.serviceDate, formatHours(hour.hours))}
        </Typography.Paragraph>
      )}
      {!me ? (
        <Link to="/login" state={{ from: location.pathname }}>
          <Button type="primary" block>
            {T.signInToReport}
          </Button>
        </Link>
      ) : (
        <Form layout="vertical" onFinish={onFinish}>
          <Form.Item
            name="reason"
            label={T.reportReason}
            rules={[{ required: true, whitespace: true, message: T.reportReasonRequired }]}
          >
            <Input.TextArea rows={4} maxLength={500} showCount placeholder={T.reportReasonPlaceholder} data-testid="report-reason" />
          </Form.Item>
          <ProblemAlert failure={failure} />
          <Button type="primary" danger htmlType="submit" block loading={busy} data-testid="report-submit">
            {T.submit}
          </Button>
        </Form>
      )}
    </Modal>
  );
}
