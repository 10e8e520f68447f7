import { CalendarOutlined, ClockCircleOutlined, FlagOutlined, ScanOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, List, Rate, Skeleton, Statistic, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { projectsApi } from '../../api/projects';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { HomeEvaluations } from '../commendations/HomeEvaluations';
import { errorTitle, formatHours } from './common';
import { projectText as T } from './text';

const H = T.home;

/**
 * The volunteer's home page (seed 002 §2.1.6.1): hours, stars, groups, projects, recent records and evaluations,
 * all from one GET /me/home so that a phone waits for one round trip.
 */
export function HomeSummary() {
  const home = useLoad(() => projectsApi.home(), []);
  const s = home.data;

  return (
    <Flex vertical gap={16} data-testid="home-summary">
      {home.error ? (
        <Alert type="error" showIcon title={errorTitle(home.error)} action={<Button onClick={home.reload}>{commonText.retry}</Button>} />
      ) : !s ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : (
        <Flex gap={12} wrap>
          <Card size="small" style={{ flex: '1 1 140px' }}>
            <div data-testid="home-total-hours" data-hours={s.totalHours}>
              <Statistic title={H.totalHours} value={formatHours(s.totalHours)} suffix={T.hoursUnit} />
            </div>
          </Card>
          <Card size="small" style={{ flex: '1 1 140px' }}>
            <Typography.Text type="secondary">{H.stars}</Typography.Text>
            <div data-testid="home-stars" data-stars={s.stars}>
              <Rate disabled value={s.stars} count={5} style={{ fontSize: 20 }} />
            </div>
            {s.stars === 0 && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {H.starsNone}
              </Typography.Text>
            )}
          </Card>
          <Card size="small" style={{ flex: '1 1 100px' }}>
            <Statistic title={H.groups} value={s.groupCount} />
          </Card>
          <Card size="small" style={{ flex: '1 1 100px' }}>
            <Statistic title={H.projects} value={s.projectCount} />
          </Card>
        </Flex>
      )}

      <Flex gap={8} wrap>
        <Link to="/me/projects">
          <Button icon={<FlagOutlined />}>{H.myProjects}</Button>
        </Link>
        <Link to="/me/schedule">
          <Button icon={<CalendarOutlined />}>{H.mySchedule}</Button>
        </Link>
        <Link to="/me/hours">
          <Button icon={<ClockCircleOutlined />} data-testid="home-my-hours">
            {H.myHours}
          </Button>
        </Link>
        <Link to="/checkin">
          <Button icon={<ScanOutlined />}>{H.checkIn}</Button>
        </Link>
        <Link to="/projects">
          <Button type="primary" icon={<SearchOutlined />}>
            {H.findProjects}
          </Button>
        </Link>
      </Flex>

      <Card size="small" title={H.recentHours} extra={<Link to="/me/hours">{H.more}</Link>}>
        <List
          loading={home.loading}
          dataSource={s?.recentHours ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={H.noRecentHours} /> }}
          renderItem={(h) => (
            <List.Item data-testid="home-recent-hour" style={{ paddingInline: 0 }}>
              <Flex justify="space-between" gap={8} style={{ width: '100%' }}>
                <Flex vertical style={{ minWidth: 0 }}>
                  <Link
                    to={`/projects/${encodeURIComponent(h.projectId)}`}
                    style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
                  >
                    {h.projectName}
                  </Link>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {h.serviceDate} {h.startTime}–{h.endTime}
                  </Typography.Text>
                </Flex>
                <Typography.Text strong style={{ flex: 'none' }}>
                  {formatHours(h.hours)} {T.hoursUnit}
                </Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      </Card>

      <HomeEvaluations first={s?.evaluations} loading={home.loading} />

      <Flex gap={16} wrap>
        <Card size="small" title={H.groups} style={{ flex: '1 1 260px' }} extra={<Link to="/me/groups">{H.more}</Link>}>
          {!s?.groups.length ? (
            <Typography.Text type="secondary">{home.loading ? '…' : H.none}</Typography.Text>
          ) : (
            <Flex gap={6} wrap>
              {s.groups.map((g) => (
                <Link key={g.groupId} to={`/groups/${encodeURIComponent(g.groupId)}`}>
                  <Tag color="blue" style={{ marginInlineEnd: 0 }}>
                    {g.groupName}
                  </Tag>
                </Link>
              ))}
            </Flex>
          )}
        </Card>
        <Card size="small" title={H.projects} style={{ flex: '1 1 260px' }} extra={<Link to="/me/projects">{H.more}</Link>}>
          {!s?.projects.length ? (
            <Typography.Text type="secondary">{home.loading ? '…' : H.none}</Typography.Text>
          ) : (
            <Flex vertical gap={4}>
              {s.projects.map((p) => (
                <Link key={p.projectId} to={`/projects/${encodeURIComponent(p.projectId)}`} data-testid="home-project">
                  {p.projectName}
                </Link>
              ))}
            </Flex>
          )}
        </Card>
      </Flex>
    </Flex>
  );
}
