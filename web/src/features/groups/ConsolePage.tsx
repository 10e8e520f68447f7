import { AuditOutlined, SettingOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Result, Skeleton, Tabs, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router-dom';
import { errorTitle } from '../../api/client';
import { levelAllows } from '../../api/groups';
import { useSession } from '../../app/session';
import { Page } from '../../shared/Page';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { levelName, LevelTag } from './common';
import { loadConsoleGroup } from './consoleGroup';
import { useSpaces } from './spaces';
import { ActingTab } from './console/ActingTab';
import { BoardTab } from './console/BoardTab';
import { ComplaintsTab } from './console/ComplaintsTab';
import { InfoTab } from './console/InfoTab';
import { MembersTab } from './console/MembersTab';
import { ProjectsTab } from '../projects-console/ProjectsTab';
import { GroupTrainingsTab } from '../trainings/GroupTrainingsTab';
import { GroupCommendationsTab } from '../commendations/GroupCommendationsTab';
import { groupCommendationText } from '../commendations/text';
import { trainingConsoleText } from '../trainings/text';
import { pc } from '../projects-console/text';
import { actingRoleText, groupText, levelActionText } from './text';

type TabKey = 'info' | 'projects' | 'members' | 'acting' | 'complaints' | 'board' | 'trainings' | 'commendations';

/** /console: the group's own management pages, for its account or a person in its group space. */
export function ConsolePage() {
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const spaces = useSpaces();
  const group = useLoad(() => (me ? loadConsoleGroup(me) : Promise.resolve(null)), [me?.id, spaces.version]);

  if (group.error && !group.data) {
    return (
      <Page title={groupText.consoleTitle} width="wide">
        <Alert type="error" showIcon title={errorTitle(group.error)} action={<Button onClick={group.reload}>{commonText.retry}</Button>} />
      </Page>
    );
  }
  if (group.loading && !group.data) {
    return (
      <Page title={groupText.consoleTitle} width="wide">
        <Skeleton active />
      </Page>
    );
  }
  const cg = group.data;
  if (!cg) {
    return (
      <Page title={groupText.consoleTitle} width="wide">
        <Result status="info" title={groupText.consoleNoGroup} subTitle={groupText.consoleNoGroupHint} />
      </Page>
    );
  }

  const g = cg.detail;
  const level = g.level;
  const approved = g.status === 'approved';
  const canMembers = approved && levelAllows(level, 'manage_members');
  const canBoard = approved && levelAllows(level, 'moderate_board');
  const canActing = cg.role !== 'operator';
  const tab = (params.get('tab') as TabKey | null) ?? 'info';
  const allowed = (Object.keys(levelActionText) as (keyof typeof levelActionText)[]).filter((a) => approved && levelAllows(level, a));

  const locked = <Alert type="info" showIcon title={groupText.levelNotAllowed} />;
  const items = [
    { key: 'info', label: groupText.tabInfo, children: <InfoTab group={cg} onChanged={group.reload} /> },
    { key: 'projects', label: pc.tabProjects, children: <ProjectsTab groupId={g.id} level={level} approved={approved} /> },
    { key: 'members', label: groupText.tabMembers, children: canMembers ? <MembersTab groupId={g.id} /> : locked },
    // Trainings go with managing members (src/modules/trainings/access.ts).
    { key: 'trainings', label: trainingConsoleText.tab, children: canMembers ? <GroupTrainingsTab groupId={g.id} /> : locked },
    // So do commendations (src/modules/commendations/access.ts).
    { key: 'commendations', label: groupCommendationText.tab, children: canMembers ? <GroupCommendationsTab groupId={g.id} /> : locked },
    ...(canActing
      ? [{ key: 'acting', label: groupText.tabActing, children: <ActingTab groupId={g.id} role={cg.role} /> }]
      : []),
    { key: 'complaints', label: groupText.tabComplaints, children: canBoard ? <ComplaintsTab groupId={g.id} /> : locked },
    { key: 'board', label: groupText.tabBoard, children: canBoard ? <BoardTab groupId={g.id} /> : locked },
  ];

  return (
    <Page
      title={
        <span>
          <SettingOutlined /> <span data-testid="console-group-name">{g.name}</span>
        </span>
      }
      docTitle={groupText.consoleTitle}
      width="wide"
      extra={
        approved ? (
          <Link to="/console/reviews">
            <Button size="small" icon={<AuditOutlined />}>
              {groupText.reviewsTitle}
            </Button>
          </Link>
        ) : undefined
      }
    >
      <Flex vertical gap={12} style={{ marginBottom: 8 }}>
        <Flex gap={8} wrap align="center">
          <Typography.Text>{groupText.level}：</Typography.Text>
          <LevelTag level={level} name={g.levelName} />
          {cg.role !== 'group_account' && <Tag color="purple">{actingRoleText[cg.role]}</Tag>}
        </Flex>
        {g.status === 'pending' && <Alert type="warning" showIcon title={groupText.pendingNotice} data-testid="console-pending" />}
        {g.status === 'rejected' && (
          <Alert type="error" showIcon title={groupText.rejectedNotice(g.review?.reason ?? '')} />
        )}
        {allowed.length > 0 && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="level-allows">
            {levelName(level, g.levelName)}
            {groupText.levelAllows}：{allowed.map((a) => levelActionText[a]).join('、')}
          </Typography.Text>
        )}
      </Flex>
      <Tabs
        activeKey={items.some((i) => i.key === tab) ? tab : 'info'}
        onChange={(key) => setParams(key === 'info' ? {} : { tab: key }, { replace: true })}
        items={items.map((i) => ({ ...i, label: <span data-testid={`console-tab-${i.key}`}>{i.label}</span> }))}
      />
    </Page>
  );
}
