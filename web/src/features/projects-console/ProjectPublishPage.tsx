import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Divider, Flex, Form, Input, InputNumber, Radio, Result, Row, Select, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { getServiceCategories } from '../../api/endpoints';
import { levelAllows } from '../../api/groups';
import { consoleApi, type EnrollmentScope, type PublishBody } from '../../api/projectsConsole';
import { useSession } from '../../app/session';
import { Page } from '../../shared/Page';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { useLoad } from '../../shared/useLoad';
import { loadConsoleGroup } from '../groups/consoleGroup';
import { groupText } from '../groups/text';
import { RegionCascader } from '../register/RegionCascader';
import { applyFieldProblems, LoadError } from './common';
import { pc, SERVICE_TARGETS } from './text';

interface PublishForm {
  name: string;
  region: string[];
  category: string;
  serviceTarget: string;
  enrollmentScope: EnrollmentScope;
  startDate: string;
  endDate: string;
  recruitFrom?: string;
  recruitTo?: string;
  address: string;
  lat?: string;
  lng?: string;
  description?: string;
  positions: { name: string; quota: number; requirements?: string }[];
  exemptPassword?: string;
}

const FIELDS = ['name', 'region', 'category', 'serviceTarget', 'enrollmentScope', 'startDate', 'endDate', 'recruitFrom', 'recruitTo',
  'address', 'lat', 'lng', 'description', 'positions', 'exemptPassword'] as const;
const ALIASES = { regionCode: 'region', siteCode: 'region', location: 'lat', 'location.lat': 'lat', 'location.lng': 'lng' };
const half = { xs: 24, sm: 12 };
const COORD = /^-?\d{1,3}(\.\d+)?$/;

/** Reads an optional coordinate; both or neither. */
function location(v: PublishForm): PublishBody['location'] {
  const lat = v.lat?.trim();
  const lng = v.lng?.trim();
  return lat && lng ? { lat: Number(lat), lng: Number(lng) } : undefined;
}

/** /console/projects/new: publish a project with its positions. */
export function ProjectPublishPage() {
  const { me } = useSession();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<PublishForm>();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const group = useLoad(() => (me ? loadConsoleGroup(me) : Promise.resolve(null)), [me?.id]);
  const categories = useLoad(() => getServiceCategories(), []);

  if (group.loading && !group.data) {
    return (
      <Page title={pc.publishTitle} width="medium">
        <Skeleton active />
      </Page>
    );
  }
  const cg = group.data;
  if (!cg) {
    return (
      <Page title={pc.publishTitle} width="medium">
        <LoadError error={group.error} onRetry={group.reload} />
        {!group.error && <Result status="info" title={groupText.consoleNoGroup} subTitle={groupText.consoleNoGroupHint} />}
      </Page>
    );
  }
  const g = cg.detail;
  const siteCode = g.siteCode ?? '';
  const level = g.level;
  const allowed = g.status === 'approved' && (levelAllows(level, 'publish_project_direct') || levelAllows(level, 'publish_project_reviewed'));

  const submit = async (v: PublishForm) => {
    setFailure(null);
    setBusy(true);
    try {
      const body: PublishBody = {
        name: v.name.trim(),
        siteCode,
        regionCode: v.region[v.region.length - 1]!,
        category: v.category,
        serviceTarget: v.serviceTarget,
        enrollmentScope: v.enrollmentScope,
        startDate: v.startDate,
        endDate: v.endDate,
        ...(v.recruitFrom ? { recruitFrom: v.recruitFrom } : {}),
        ...(v.recruitTo ? { recruitTo: v.recruitTo } : {}),
        address: v.address.trim(),
        ...(location(v) ? { location: location(v) } : {}),
        ...(v.description?.trim() ? { description: v.description.trim() } : {}),
        positions: v.positions.map((p) => ({
          name: p.name.trim(),
          quota: Number(p.quota),
          ...(p.requirements?.trim() ? { requirements: p.requirements.trim() } : {}),
        })),
        ...(v.exemptPassword ? { exemptPassword: v.exemptPassword } : {}),
      };
      const res = await consoleApi.publish(body);
      const forReview = res.status === 'pending_review';
      void message.success(forReview ? pc.publishedForReview : pc.published);
      navigate(`/console/projects/${res.id}`, { state: { published: res.status } });
    } catch (err) {
      const landed = applyFieldProblems(form, err, FIELDS, ALIASES);
      setFailure(landed ? { ...toFailure(err), title: `${toFailure(err).title}。${pc.fixFields}` } : toFailure(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page
      title={pc.publishTitle}
      width="medium"
      extra={
        <Link to="/console?tab=projects">
          <Button size="small">{pc.backToConsole}</Button>
        </Link>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {g.name}
      </Typography.Paragraph>
      {!allowed && <Alert type="warning" showIcon title={pc.levelCannotPublish} style={{ marginBottom: 16 }} />}
      {allowed && levelAllows(level, 'publish_project_reviewed') && (
        <Alert type="info" showIcon title={pc.publishReviewed} style={{ marginBottom: 16 }} />
      )}
      <ProblemAlert failure={failure} />
      <Form<PublishForm>
        form={form}
        layout="vertical"
        disabled={!allowed}
        onFinish={submit}
        onFinishFailed={({ errorFields }) => errorFields[0] && form.scrollToField(errorFields[0].name, { block: 'center' })}
        initialValues={{ enrollmentScope: 'public', positions: [{ name: '', quota: 1 }] }}
        data-testid="project-publish-form"
        scrollToFirstError
      >
        <Divider titlePlacement="start" plain>
          {pc.sectionBasic}
        </Divider>
        <Form.Item name="name" label={pc.name} rules={[{ required: true, whitespace: true, min: 2, message: pc.nameRequired }]}>
          <Input maxLength={100} placeholder={pc.namePlaceholder} />
        </Form.Item>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="region" label={pc.region} rules={[{ required: true, type: 'array', min: 1, message: pc.regionRequired }]}>
              <RegionCascader siteCode={siteCode} placeholder={pc.regionPlaceholder} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="category" label={pc.category} rules={[{ required: true, message: pc.categoryRequired }]}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                loading={categories.loading}
                options={(categories.data ?? []).map((c) => ({ value: c.code, label: c.name }))}
                placeholder={pc.categoryRequired}
              />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="serviceTarget" label={pc.serviceTarget} rules={[{ required: true, message: pc.serviceTargetRequired }]}>
              <Select options={SERVICE_TARGETS.map((t) => ({ value: t.code, label: t.name }))} placeholder={pc.serviceTargetRequired} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="enrollmentScope" label={pc.enrollmentScope} rules={[{ required: true }]}>
              <Radio.Group
                options={[
                  { value: 'public', label: pc.scopePublic },
                  { value: 'members', label: pc.scopeMembers },
                ]}
              />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>
          {pc.sectionTime}
        </Divider>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="startDate" label={pc.startDate} rules={[{ required: true, message: pc.startRequired }]}>
              <Input type="date" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item
              name="endDate"
              label={pc.endDate}
              dependencies={['startDate']}
              rules={[
                { required: true, message: pc.endRequired },
                ({ getFieldValue }) => ({
                  validator: (_, value: string) =>
                    !value || !getFieldValue('startDate') || value >= getFieldValue('startDate')
                      ? Promise.resolve()
                      : Promise.reject(new Error(pc.endBeforeStart)),
                }),
              ]}
            >
              <Input type="date" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="recruitFrom" label={pc.recruitFrom} extra={pc.recruitHint}>
              <Input type="date" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="recruitTo" label={pc.recruitTo}>
              <Input type="date" />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>
          {pc.sectionPlace}
        </Divider>
        <Form.Item name="address" label={pc.address} rules={[{ required: true, whitespace: true, message: pc.addressRequired }]}>
          <Input maxLength={200} placeholder={pc.addressPlaceholder} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={12}>
            <Form.Item
              name="lat"
              label={pc.lat}
              dependencies={['lng']}
              rules={[
                { pattern: COORD, message: pc.coordInvalid },
                ({ getFieldValue }) => ({
                  validator: (_, value?: string) =>
                    !!value?.trim() === !!String(getFieldValue('lng') ?? '').trim() ? Promise.resolve() : Promise.reject(new Error(pc.bothCoords)),
                }),
              ]}
            >
              <Input inputMode="decimal" placeholder="39.9219" maxLength={12} />
            </Form.Item>
          </Col>
          <Col xs={12}>
            <Form.Item name="lng" label={pc.lng} dependencies={['lat']} rules={[{ pattern: COORD, message: pc.coordInvalid }]}>
              <Input inputMode="decimal" placeholder="116.4436" maxLength={12} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: -12 }}>
          {pc.mapHint}
        </Typography.Paragraph>

        <Divider titlePlacement="start" plain>
          {pc.sectionPositions}
        </Divider>
        <Form.List
          name="positions"
          rules={[
            {
              validator: async (_, list?: unknown[]) => {
                if (!list || list.length < 1) throw new Error(pc.positionsRequired);
              },
            },
          ]}
        >
          {(fields, { add, remove }, { errors }) => (
            <Flex vertical gap={8}>
              {fields.map((field, index) => (
                <Card
                  key={field.key}
                  size="small"
                  data-testid="position-row"
                  title={`${pc.positions} ${index + 1}`}
                  extra={
                    fields.length > 1 ? (
                      <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={pc.removePosition}>
                        {pc.removePosition}
                      </Button>
                    ) : undefined
                  }
                >
                  <Row gutter={12}>
                    <Col xs={24} sm={16}>
                      <Form.Item name={[field.name, 'name']} label={pc.positionName} rules={[{ required: true, whitespace: true, message: pc.positionNameRequired }]}>
                        <Input maxLength={50} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} sm={8}>
                      <Form.Item name={[field.name, 'quota']} label={pc.quota} rules={[{ required: true, message: pc.quotaRequired }]}>
                        <InputNumber min={1} max={10000} precision={0} style={{ width: '100%' }} />
                      </Form.Item>
                    </Col>
                  </Row>
                  <Form.Item name={[field.name, 'requirements']} label={pc.requirements} style={{ marginBottom: 0 }}>
                    <Input.TextArea rows={2} maxLength={500} placeholder={pc.requirementsPlaceholder} />
                  </Form.Item>
                </Card>
              ))}
              <Form.ErrorList errors={errors} />
              {fields.length < 50 && (
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', quota: 1 })} data-testid="add-position" block>
                  {pc.addPosition}
                </Button>
              )}
            </Flex>
          )}
        </Form.List>

        <Divider titlePlacement="start" plain>
          {pc.sectionOther}
        </Divider>
        <Form.Item name="description" label={pc.description}>
          <Input.TextArea rows={5} maxLength={5000} showCount placeholder={pc.descriptionPlaceholder} />
        </Form.Item>
        <Form.Item name="exemptPassword" label={pc.exemptPassword} extra={pc.exemptPasswordHint} rules={[{ min: 4, max: 32, message: pc.exemptTooShort }]}>
          <Input.Password maxLength={32} autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="publish-submit">
          {pc.submit}
        </Button>
      </Form>
    </Page>
  );
}

