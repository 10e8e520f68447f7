import { Alert, Flex, Skeleton, Tabs, Typography } from 'antd';
import { Link, useLocation, useParams, useSearchParams } from 'react-router-dom';
import { consoleApi } from '../../api/projectsConsole';
import { Page } from '../../shared/Page';
import { useLoad } from '../../shared/useLoad';
import { EvaluationsPane } from '../commendations/EvaluationsPane';
import { evaluationPaneText } from '../commendations/text';
import { AttendancePane } from './AttendancePane';
import { DiscussionsPane } from './DiscussionsPane';
import { LoadError, StatusTag } from './common';
import { EnrollmentsPane } from './EnrollmentsPane';
import { HoursPane } from './HoursPane';
import { InfoPane } from './InfoPane';
import { ReportsPane } from './ReportsPane';
import { ShiftsPane } from './ShiftsPane';
import { pc, projectStatusText } from './text';

type TabKey = 'info' | 'enrollments' | 'shifts' | 'attendance' | 'hours' | 'reports' | 'evaluations' | 'discussions';
const PUBLISHED = new Set(['recruiting', 'in_progress', 'finished']);

/** /console/projects/:id: the group manages one project — details, enrolments, shifts, attendance, hours, reports. */
export function ProjectManagePage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const project = useLoad(() => consoleApi.detail(id), [id]);
  const justPublished = (location.state as { published?: string } | null)?.published;

  if (project.loading && !project.data) {
    return (
      <Page title={pc.manageTitle} width="wide">
        <Skeleton active />
      </Page>
    );
  }
  const p = project.data;
  if (!p) {
    return (
      <Page title={pc.manageTitle} width="wide">
        <LoadError error={project.error} onRetry={project.reload} />
      </Page>
    );
  }

  const published = PUBLISHED.has(p.status);
  const notYet = <Alert type="info" showIcon title={pc.notPublishedYet} />;
  const items: { key: TabKey; label: string; children: React.ReactNode }[] = [
    { key: 'info', label: pc.tabInfo, children: <InfoPane project={p} onChanged={project.reload} /> },
    { key: 'enrollments', label: pc.tabEnrollments, children: <EnrollmentsPane project={p} onChanged={project.reload} /> },
    { key: 'shifts', label: pc.tabShifts, children: published ? <ShiftsPane project={p} /> : notYet },
    { key: 'attendance', label: pc.tabAttendance, children: published ? <AttendancePane project={p} /> : notYet },
    { key: 'hours', label: pc.tabHours, children: <HoursPane project={p} /> },
    { key: 'reports', label: pc.tabReports, children: <ReportsPane project={p} /> },
    { key: 'evaluations', label: evaluationPaneText.tab, children: published ? <EvaluationsPane projectId={p.id} /> : notYet },
    // The board is public once published (cancelled projects keep theirs).
    { key: 'discussions', label: pc.tabDiscussions, children: published || p.status === 'cancelled' ? <DiscussionsPane project={p} /> : notYet },
  ];
  const tab = (params.get('tab') as TabKey | null) ?? 'info';

  return (
    <Page
      title={
        <Typography.Text ellipsis style={{ maxWidth: '100%' }} data-testid="manage-project-name">
          {p.name}
        </Typography.Text>
      }
      docTitle={`${pc.manageTitle} · ${p.name}`}
      width="wide"
    >
      <Flex vertical gap={8} style={{ marginBottom: 8 }}>
        <Flex gap={8} wrap align="center">
          <StatusTag map={projectStatusText} status={p.status} />
          <Typography.Text type="secondary">
            {p.startDate} ~ {p.endDate}
          </Typography.Text>
          <Link to="/console?tab=projects">{pc.backToConsole}</Link>
          {published && <Link to={`/projects/${p.id}`}>{pc.viewPublic}</Link>}
        </Flex>
        {justPublished && (
          <Alert
            type={justPublished === 'pending_review' ? 'warning' : 'success'}
            showIcon
            data-testid="publish-outcome"
            data-status={justPublished}
            title={justPublished === 'pending_review' ? pc.publishedForReview : pc.published}
          />
        )}
        {p.status === 'pending_review' && !justPublished && <Alert type="warning" showIcon title={pc.pendingReviewNotice} />}
        {p.status === 'rejected' && <Alert type="error" showIcon title={pc.rejectedNotice(p.reviewReason ?? '')} />}
        {p.status === 'cancelled' && <Alert type="info" showIcon title={pc.cancelledNotice(p.cancelReason ?? '')} />}
        <LoadError error={project.error} onRetry={project.reload} />
      </Flex>
      <Tabs
        activeKey={items.some((i) => i.key === tab) ? tab : 'info'}
        onChange={(key) => setParams(key === 'info' ? {} : { tab: key }, { replace: true })}
        destroyOnHidden
        items={items.map((i) => ({ ...i, label: <span data-testid={`manage-tab-${i.key}`}>{i.label}</span> }))}
      />
    </Page>
  );
}
