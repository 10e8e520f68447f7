import { DeleteOutlined, EditOutlined, StopOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Col, Descriptions, Flex, Form, Image, Input, InputNumber, Modal, Row, Typography } from 'antd';
import { useRef, useState } from 'react';
import { errorTitle } from '../../api/client';
import { getServiceCategories } from '../../api/endpoints';
import { consoleApi, type ProjectDetail, type ProjectPatch } from '../../api/projectsConsole';
import { useLoad } from '../../shared/useLoad';
import { applyFieldProblems, ReasonModal } from './common';
import { pc, SERVICE_TARGETS } from './text';

const EDITABLE = new Set(['pending_review', 'recruiting', 'in_progress']);
const COVER_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

interface EditForm {
  description: string;
  address: string;
  lat?: string;
  lng?: string;
  recruitFrom: string;
  recruitTo: string;
  exemptPassword?: string;
  removeExempt?: boolean;
  quotas: Record<string, number>;
}

/** 基本信息: what was published, editing what may change, the cover image, and cancelling. */
export function InfoPane({ project: p, onChanged }: { project: ProjectDetail; onChanged: () => void }) {
  const { message } = App.useApp();
  const categories = useLoad(() => getServiceCategories(), []);
  const [editing, setEditing] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [coverBusy, setCoverBusy] = useState(false);
  const [coverError, setCoverError] = useState<string | null>(null);
  const [coverVersion, setCoverVersion] = useState(0);
  const [coverUrl, setCoverUrl] = useState<string | null | undefined>(p.coverUrl);
  const fileInput = useRef<HTMLInputElement>(null);
  const editable = EDITABLE.has(p.status);
  const categoryName = categories.data?.find((c) => c.code === p.category)?.name ?? p.category;
  const targetName = SERVICE_TARGETS.find((t) => t.code === p.serviceTarget)?.name ?? p.serviceTarget;

  const uploadCover = async (file: File) => {
    setCoverError(null);
    if (!COVER_TYPES.includes(file.type)) return setCoverError(pc.coverBadType);
    if (file.size > 5 * 1024 * 1024) return setCoverError(pc.coverTooBig);
    setCoverBusy(true);
    try {
      const res = await consoleApi.uploadCover(p.id, file);
      setCoverUrl(res.body?.coverUrl ?? consoleApi.coverUrl(p.id));
      setCoverVersion((v) => v + 1);
      void message.success(pc.coverUploaded);
    } catch (err) {
      setCoverError(errorTitle(err));
    } finally {
      setCoverBusy(false);
    }
  };

  const removeCover = async () => {
    setCoverError(null);
    try {
      await consoleApi.removeCover(p.id);
      setCoverUrl(null);
      void message.success(pc.coverRemoved);
    } catch (err) {
      setCoverError(errorTitle(err));
    }
  };

  return (
    <Flex vertical gap={16} data-testid="project-info">
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, sm: 1, md: 2 }}
        items={[
          { key: 'group', label: pc.group, children: p.groupName },
          { key: 'region', label: pc.regionName, children: p.regionName },
          { key: 'category', label: pc.category, children: categoryName },
          { key: 'target', label: pc.serviceTarget, children: targetName },
          { key: 'scope', label: pc.enrollmentScope, children: p.enrollmentScope === 'members' ? pc.scopeMembers : pc.scopePublic },
          { key: 'dates', label: pc.projectDates, children: `${p.startDate} ~ ${p.endDate}` },
          { key: 'recruit', label: pc.recruitWindow, children: `${p.recruitFrom} ~ ${p.recruitTo}` },
          { key: 'quota', label: pc.quotaEnrolled, children: `${p.enrolledCount}/${p.totalQuota}` },
          { key: 'address', label: pc.address, children: p.address, span: { md: 2 } },
          {
            key: 'location',
            label: pc.location,
            children: p.location ? `${p.location.lat}, ${p.location.lng}` : pc.noLocation,
          },
          { key: 'exempt', label: pc.exemptPassword, children: p.exemptPasswordSet ? pc.exemptSet : pc.exemptNotSet },
          { key: 'hours', label: pc.totalHours, children: `${p.totalHours} ${pc.hoursUnit}` },
          {
            key: 'positions',
            label: pc.positions,
            span: { md: 2 },
            children: (
              <Flex vertical gap={4}>
                {p.positions.map((pos) => (
                  <span key={pos.id} data-testid="info-position">
                    <Typography.Text strong>{pos.name}</Typography.Text> · {pc.quotaOf(pos.enrolledCount, pos.quota)}
                    {pos.requirements ? <Typography.Text type="secondary"> · {pos.requirements}</Typography.Text> : null}
                  </span>
                ))}
              </Flex>
            ),
          },
          {
            key: 'description',
            label: pc.description,
            span: { md: 2 },
            children: <div style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{p.description || '—'}</div>,
          },
        ]}
      />

      <div>
        <Typography.Title level={5}>{pc.cover}</Typography.Title>
        {coverError && <Alert type="error" showIcon title={coverError} style={{ marginBottom: 8 }} data-testid="cover-problem" />}
        <Flex gap={12} align="center" wrap>
          {coverUrl ? (
            <Image
              src={`${coverUrl}${coverUrl.includes('?') ? '&' : '?'}v=${coverVersion}`}
              alt={pc.cover}
              width={200}
              style={{ maxWidth: '100%', borderRadius: 6 }}
              data-testid="cover-image"
            />
          ) : (
            <Typography.Text type="secondary">{pc.noCover}</Typography.Text>
          )}
          <Flex vertical gap={4}>
            <Flex gap={8} wrap>
              <Button icon={<UploadOutlined />} loading={coverBusy} disabled={!editable} onClick={() => fileInput.current?.click()}>
                {pc.coverUpload}
              </Button>
              {coverUrl && (
                <Button icon={<DeleteOutlined />} danger disabled={!editable} onClick={removeCover}>
                  {pc.coverRemove}
                </Button>
              )}
            </Flex>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {pc.coverHint}
            </Typography.Text>
          </Flex>
          <input
            ref={fileInput}
            type="file"
            accept={COVER_TYPES.join(',')}
            aria-label={pc.coverUpload}
            style={{ display: 'none' }}
            data-testid="cover-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void uploadCover(file);
            }}
          />
        </Flex>
      </div>

      {editable && (
        <Flex gap={8} wrap>
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="edit-project">
            {pc.edit}
          </Button>
          <Button icon={<StopOutlined />} danger onClick={() => setCancelling(true)} data-testid="cancel-project">
            {pc.cancelProject}
          </Button>
        </Flex>
      )}

      <EditModal
        open={editing}
        project={p}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          void message.success(pc.saved);
          onChanged();
        }}
      />
      <ReasonModal
        open={cancelling}
        title={pc.cancelTitle}
        okText={pc.cancelProject}
        danger
        extra={<Alert type="warning" showIcon title={pc.cancelHint} style={{ marginBottom: 12 }} />}
        onCancel={() => setCancelling(false)}
        onSubmit={async (reason) => {
          await consoleApi.cancel(p.id, reason);
          setCancelling(false);
          void message.success(pc.cancelled);
          onChanged();
        }}
      />
    </Flex>
  );
}

function EditModal({ open, project: p, onClose, onSaved }: { open: boolean; project: ProjectDetail; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm<EditForm>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const save = async () => {
    const v = await form.validateFields();
    const body: ProjectPatch = {};
    if (v.description !== p.description) body.description = v.description;
    if (v.address.trim() !== p.address) body.address = v.address.trim();
    if (v.recruitFrom !== p.recruitFrom) body.recruitFrom = v.recruitFrom;
    if (v.recruitTo !== p.recruitTo) body.recruitTo = v.recruitTo;
    const lat = v.lat?.trim();
    const lng = v.lng?.trim();
    const loc = lat && lng ? { lat: Number(lat), lng: Number(lng) } : null;
    if (JSON.stringify(loc) !== JSON.stringify(p.location)) body.location = loc;
    if (v.removeExempt) body.exemptPassword = null;
    else if (v.exemptPassword) body.exemptPassword = v.exemptPassword;
    const quotas = p.positions.filter((pos) => v.quotas[pos.id] !== pos.quota).map((pos) => ({ id: pos.id, quota: Number(v.quotas[pos.id]) }));
    if (quotas.length) body.positions = quotas;
    if (Object.keys(body).length === 0) return onClose();
    setBusy(true);
    setFailure(null);
    try {
      await consoleApi.update(p.id, body);
      onSaved();
    } catch (err) {
      const aliases: Record<string, string> = { location: 'lat', 'location.lat': 'lat', 'location.lng': 'lng' };
      p.positions.forEach((pos, i) => (aliases[`positions.${i}.quota`] = `quotas.${pos.id}`));
      applyFieldProblems(form, err, ['description', 'address', 'lat', 'lng', 'recruitFrom', 'recruitTo', 'exemptPassword', 'quotas'], aliases);
      setFailure(errorTitle(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={pc.edit}
      onCancel={onClose}
      onOk={save}
      okText={pc.save}
      cancelText={pc.cancel}
      confirmLoading={busy}
      destroyOnHidden
      width={640}
    >
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} data-testid="edit-problem" />}
      <Form<EditForm>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          description: p.description,
          address: p.address,
          lat: p.location ? String(p.location.lat) : '',
          lng: p.location ? String(p.location.lng) : '',
          recruitFrom: p.recruitFrom,
          recruitTo: p.recruitTo,
          quotas: Object.fromEntries(p.positions.map((pos) => [pos.id, pos.quota])),
        }}
      >
        <Form.Item name="address" label={pc.address} rules={[{ required: true, whitespace: true, message: pc.addressRequired }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="lat" label={pc.lat} rules={[{ pattern: /^-?\d{1,3}(\.\d+)?$/, message: pc.coordInvalid }]}>
              <Input inputMode="decimal" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="lng" label={pc.lng} rules={[{ pattern: /^-?\d{1,3}(\.\d+)?$/, message: pc.coordInvalid }]}>
              <Input inputMode="decimal" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="recruitFrom" label={pc.recruitFrom} rules={[{ required: true }]}>
              <Input type="date" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="recruitTo" label={pc.recruitTo} rules={[{ required: true }]}>
              <Input type="date" />
            </Form.Item>
          </Col>
        </Row>
        {p.positions.map((pos) => (
          <Form.Item key={pos.id} name={['quotas', pos.id]} label={`${pos.name} · ${pc.quota}`} rules={[{ required: true, message: pc.quotaRequired }]}>
            <InputNumber min={1} max={10000} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        ))}
        <Form.Item name="description" label={pc.description}>
          <Input.TextArea rows={4} maxLength={5000} />
        </Form.Item>
        <Form.Item name="exemptPassword" label={pc.exemptPasswordNew} extra={pc.exemptKeep} rules={[{ min: 4, max: 32, message: pc.exemptTooShort }]}>
          <Input.Password maxLength={32} autoComplete="new-password" />
        </Form.Item>
        {p.exemptPasswordSet && (
          <Form.Item name="removeExempt" valuePropName="checked">
            <Checkbox>{pc.removeExempt}</Checkbox>
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
