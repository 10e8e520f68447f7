import { CalendarOutlined, DownloadOutlined, ScanOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, List, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { projectsApi, type MyShift } from '../../api/projects';
import { Page } from '../../shared/Page';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle, formatTime, shiftSpan } from './common';
import { projectText as T } from './text';

/** /me/schedule: 我的排班 (seed 002 §2.1.8.2) with attendance and the .ics export. */
export function MySchedulePage() {
  const list = useLoad(() => projectsApi.mySchedule(), []);
  return (
    <Page
      title={
        <span>
          <CalendarOutlined /> {T.scheduleTitle}
        </span>
      }
      docTitle={T.scheduleTitle}
      width="medium"
      extra={
        <Link to="/checkin">
          <Button size="small" icon={<ScanOutlined />}>
            {T.goCheckIn}
          </Button>
        </Link>
      }
    >
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Button icon={<DownloadOutlined />} href={projectsApi.scheduleIcsUrl} download="schedule.ics" data-testid="download-ics">
          {T.downloadIcs}
        </Button>
      </Flex>
      {list.error ? (
        <Alert type="error" showIcon title={errorTitle(list.error)} action={<Button onClick={list.reload}>{commonText.retry}</Button>} />
      ) : (
        <List<MyShift>
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty description={T.noSchedule} /> }}
          renderItem={(s) => (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="my-shift" data-shift-id={s.shiftId}>
              <Flex vertical gap={4}>
                <Flex justify="space-between" gap={8} align="start">
                  <Link to={`/projects/${encodeURIComponent(s.projectId)}`} style={{ fontWeight: 600, minWidth: 0 }}>
                    {s.projectName}
                  </Link>
                  {s.checkedOutAt ? (
                    <Tag color="green" style={{ marginInlineEnd: 0 }}>
                      {T.checkedOut(formatTime(s.checkedOutAt))}
                    </Tag>
                  ) : s.checkedInAt ? (
                    <Tag color="blue" style={{ marginInlineEnd: 0 }}>
                      {T.checkedIn(formatTime(s.checkedInAt))}
                    </Tag>
                  ) : (
                    <Tag style={{ marginInlineEnd: 0 }}>{T.notCheckedIn}</Tag>
                  )}
                </Flex>
                <Typography.Text strong>{shiftSpan(s.startsAt, s.endsAt)}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {T.position}：{s.positionName}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 13 }} ellipsis>
                  {T.address}：{s.address}
                </Typography.Text>
              </Flex>
            </Card>
          )}
        />
      )}
    </Page>
  );
}
