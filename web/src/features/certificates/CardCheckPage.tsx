import { CheckCircleFilled, CloseCircleFilled, IdcardOutlined, QuestionCircleFilled } from '@ant-design/icons';
import { Alert, Button, Descriptions, Rate, Result, Skeleton } from 'antd';
import { useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { cardApi } from '../../api/certificates';
import { Page } from '../../shared/Page';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle } from '../projects/common';
import { cardText as T } from './text';

/** /cards/:number — the public check the volunteer card's QR code opens (no sign-in); the name comes masked. */
export function CardCheckPage() {
  const { number = '' } = useParams();
  const check = useLoad(() => cardApi.check(number), [number]);
  const unknown = check.error instanceof ApiError && check.error.status === 404;
  const c = check.data;
  return (
    <Page
      title={
        <span>
          <IdcardOutlined /> {T.checkTitle}
        </span>
      }
      docTitle={T.checkTitle}
      width="narrow"
    >
      {check.loading && !c ? (
        <Skeleton active />
      ) : unknown ? (
        <Result status="warning" icon={<QuestionCircleFilled />} title={T.checkUnknown} data-testid="card-check-state" data-state="unknown" />
      ) : check.error ? (
        <Alert type="error" showIcon title={errorTitle(check.error)} action={<Button onClick={check.reload}>{commonText.retry}</Button>} />
      ) : c ? (
        <>
          <Result
            status={c.valid ? 'success' : 'error'}
            icon={c.valid ? <CheckCircleFilled /> : <CloseCircleFilled />}
            title={c.valid ? T.checkValid : T.checkInvalid}
            subTitle={c.valid ? undefined : T.checkInvalidHint}
            data-testid="card-check-state"
            data-state={c.valid ? 'valid' : 'invalid'}
            style={{ padding: '16px 0' }}
          />
          <Descriptions
            size="small"
            bordered
            column={1}
            items={[
              { key: 'name', label: T.name, children: c.volunteerName },
              { key: 'number', label: T.volunteerNumber, children: <span style={{ wordBreak: 'break-all' }}>{c.volunteerNumber}</span> },
              { key: 'site', label: T.site, children: c.siteName },
              { key: 'stars', label: T.stars, children: <Rate disabled value={c.stars} style={{ fontSize: 16 }} /> },
            ]}
          />
        </>
      ) : null}
    </Page>
  );
}
