import { SwapOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Empty, Flex, Form, Input, List, Modal, Select, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { getSites } from '../../api/endpoints';
import { transfersApi, type Transfer } from '../../api/transfers';
import { useSession } from '../../app/session';
import { Page } from '../../shared/Page';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle, formatDate, formatTime } from '../projects/common';
import { RegionCascader } from '../register/RegionCascader';
import { transferText as T, TRANSFER_INTERVAL_DAYS } from './text';

interface TransferForm {
  siteCode?: string;
  region?: string[];
  reason?: string;
}

/** /me/transfer: 记录转移 to another site and service region, and the history of transfers (seed 002 §2.1.8.3). */
export function TransferPage() {
  const session = useSession();
  const me = session.me;
  const sites = useLoad(getSites, []);
  const profile = useLoad(() => transfersApi.profile(), []);
  const history = useLoad(() => transfersApi.mine({ pageSize: 50 }), []);
  const [form] = Form.useForm<TransferForm>();
  const siteCode = Form.useWatch('siteCode', form);
  const [regionNames, setRegionNames] = useState<string>('');
  const [regionError, setRegionError] = useState(false);
  const [confirm, setConfirm] = useState<{ siteCode: string; regionCode: string; reason?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const { message } = App.useApp();

  const siteName = (code: string | null | undefined) => sites.data?.find((s) => s.code === code)?.name ?? code ?? T.unknown;
  const verified = me?.realNameStatus === 'verified';
  const currentRegion = profile.data?.intentions.serviceRegionName ?? null;
  const newest = history.data?.items[0];
  const nextAt = newest ? new Date(newest.createdAt).getTime() + TRANSFER_INTERVAL_DAYS * 86_400_000 : 0;
  const nextAllowed = nextAt > Date.now() ? new Date(nextAt) : null;

  const onFinish = (v: TransferForm) => {
    if (!v.siteCode || !v.region?.length) return;
    setFailure(null);
    setConfirm({ siteCode: v.siteCode, regionCode: v.region[v.region.length - 1]!, reason: v.reason?.trim() || undefined });
  };

  const doTransfer = async () => {
    if (!confirm) return;
    setBusy(true);
    try {
      const done = await transfersApi.transfer(confirm);
      setConfirm(null);
      form.resetFields();
      setRegionNames('');
      void message.success(T.done(done.toRegionName.startsWith(done.toSiteName) ? done.toRegionName : `${done.toSiteName}${done.toRegionName}`));
      // The session keeps its cookie; /me now answers with the new site.
      await session.refresh();
      profile.reload();
      history.reload();
    } catch (err) {
      setConfirm(null);
      // TRANSFER_TOO_SOON's wait is days long and its title names them: a seconds countdown would only confuse.
      setFailure({ ...toFailure(err), retryAfter: undefined });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page
      title={
        <span>
          <SwapOutlined /> {T.title}
        </span>
      }
      docTitle={T.title}
      width="medium"
    >
      <Flex vertical gap={16}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {T.intro}
        </Typography.Paragraph>

        <Card size="small" title={T.current}>
          {profile.error ? (
            <Alert type="error" showIcon title={errorTitle(profile.error)} action={<Button onClick={profile.reload}>{commonText.retry}</Button>} />
          ) : !profile.data || !me ? (
            <Skeleton active paragraph={{ rows: 2 }} />
          ) : (
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: 'site', label: T.site, children: <span data-testid="transfer-current-site" data-site={me.siteCode ?? ''}>{siteName(me.siteCode)}</span> },
                {
                  key: 'region',
                  label: T.region,
                  children: <span data-testid="transfer-current-region" data-region={profile.data.intentions.serviceRegionCode ?? ''}>{currentRegion ?? T.none}</span>,
                },
                { key: 'number', label: T.volunteerNumber, children: me.volunteerNumber ?? T.numberPending },
              ]}
            />
          )}
        </Card>

        <Card size="small" title={T.target}>
          {me && !verified && <Alert type="warning" showIcon title={T.realnameNeeded} style={{ marginBottom: 12 }} />}
          {nextAllowed && (
            <Alert type="info" showIcon title={T.nextAllowed(formatDate(nextAllowed.toISOString()))} style={{ marginBottom: 12 }} data-testid="transfer-next" />
          )}
          <Form<TransferForm> form={form} layout="vertical" onFinish={onFinish} disabled={!verified} data-testid="transfer-form">
            <Form.Item name="siteCode" label={T.newSite} rules={[{ required: true, message: T.newSiteRequired }]}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={T.newSitePlaceholder}
                loading={sites.loading}
                options={(sites.data ?? []).map((s) => ({ value: s.code, label: s.name }))}
                onChange={() => {
                  form.setFieldValue('region', undefined);
                  setRegionNames('');
                }}
                data-testid="transfer-site"
              />
            </Form.Item>
            <Form.Item
              name="region"
              label={T.newRegion}
              extra={regionError ? undefined : T.regionHint}
              help={regionError ? T.regionLoadFailed : undefined}
              validateStatus={regionError ? 'error' : undefined}
              rules={[{ required: true, type: 'array', min: 1, message: T.newRegionRequired }]}
            >
              {siteCode ? (
                <RegionCascader
                  key={siteCode}
                  siteCode={siteCode}
                  placeholder={T.newRegionPlaceholder}
                  onLoadError={() => setRegionError(true)}
                  onLevel={() => setRegionError(false)}
                  onLabels={setRegionNames}
                />
              ) : (
                <Select disabled placeholder={T.newRegionPlaceholder} />
              )}
            </Form.Item>
            <Form.Item name="reason" label={T.reason}>
              <Input.TextArea rows={2} maxLength={200} showCount placeholder={T.reasonPlaceholder} data-testid="transfer-reason" />
            </Form.Item>
            <ProblemAlert failure={failure} />
            <Button type="primary" htmlType="submit" block icon={<SwapOutlined />} data-testid="transfer-submit">
              {T.submit}
            </Button>
          </Form>
        </Card>

        <Card size="small" title={T.history}>
          {history.error ? (
            <Alert type="error" showIcon title={errorTitle(history.error)} action={<Button onClick={history.reload}>{commonText.retry}</Button>} />
          ) : (
            <List<Transfer>
              loading={history.loading}
              dataSource={history.data?.items ?? []}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={T.noHistory} /> }}
              renderItem={(t) => (
                <List.Item data-testid="transfer-item" data-to-site={t.toSiteCode} data-to-region={t.toRegionCode} style={{ paddingInline: 0 }}>
                  <Flex vertical gap={2} style={{ width: '100%', minWidth: 0 }}>
                    <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                      {T.from} {t.fromRegionName ?? t.fromSiteName}
                    </Typography.Text>
                    <Typography.Text strong>
                      {T.to} {t.toRegionName}
                    </Typography.Text>
                    {t.reason && (
                      <Typography.Text style={{ fontSize: 13 }}>
                        {T.reasonLabel}：{t.reason}
                      </Typography.Text>
                    )}
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatTime(t.createdAt)}
                    </Typography.Text>
                  </Flex>
                </List.Item>
              )}
            />
          )}
        </Card>
      </Flex>

      <Modal
        open={!!confirm}
        title={T.confirmTitle}
        okText={T.confirmOk}
        cancelText={T.cancel}
        confirmLoading={busy}
        onOk={doTransfer}
        onCancel={() => setConfirm(null)}
        okButtonProps={{ 'data-testid': 'transfer-confirm' }}
        destroyOnHidden
      >
        {confirm && (
          <Flex vertical gap={8} data-testid="transfer-confirm-dialog">
            <Descriptions
              size="small"
              column={1}
              bordered
              items={[
                { key: 'from', label: T.confirmFrom, children: `${siteName(me?.siteCode)}${currentRegion ? ` · ${currentRegion}` : ''}` },
                { key: 'to', label: T.confirmTo, children: `${siteName(confirm.siteCode)}${regionNames ? ` · ${regionNames}` : ''}` },
              ]}
            />
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {T.confirmMoves.map((line) => (
                <li key={line}>{line}</li>
              ))}
              <li>{T.confirmInterval(TRANSFER_INTERVAL_DAYS)}</li>
            </ul>
          </Flex>
        )}
      </Modal>
    </Page>
  );
}
