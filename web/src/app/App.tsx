import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { LoginPage } from '../features/auth/LoginPage';
import { ActivatePage } from '../features/activation/ActivatePage';
import { OutboxPage } from '../features/dev/OutboxPage';
import { RecoverPage } from '../features/recover/RecoverPage';
import { ResetByLinkPage } from '../features/recover/ResetByLinkPage';
import { SelfServicePage } from '../features/self-service/SelfServicePage';
import { RequireAuth } from '../features/auth/RequireAuth';
import { HomePage } from '../features/home/HomePage';
import { AppLayout } from '../features/layout/AppLayout';
import { ChangePasswordPage } from '../features/password/ChangePasswordPage';
import { RegisterPage } from '../features/register/RegisterPage';
import { SessionsPage } from '../features/sessions/SessionsPage';
import { ConsolePage } from '../features/groups/ConsolePage';
import { ContactVerifyPage } from '../features/groups/ContactVerifyPage';
import { GroupDetailPage } from '../features/groups/GroupDetailPage';
import { GroupRegisterPage } from '../features/groups/GroupRegisterPage';
import { GroupSearchPage } from '../features/groups/GroupSearchPage';
import { MyGroupsPage } from '../features/groups/MyGroupsPage';
import { ReviewsPage } from '../features/groups/ReviewsPage';
import { SpacesProvider } from '../features/groups/spaces';
import { ProjectSearchPage } from '../features/projects/ProjectSearchPage';
import { ProjectDetailPage } from '../features/projects/ProjectDetailPage';
import { MyProjectsPage } from '../features/projects/MyProjectsPage';
import { MySchedulePage } from '../features/projects/MySchedulePage';
import { MyHoursPage } from '../features/projects/MyHoursPage';
import { CheckInPage } from '../features/projects/CheckInPage';
import { ProjectPublishPage } from '../features/projects-console/ProjectPublishPage';
import { ProjectManagePage } from '../features/projects-console/ProjectManagePage';
import { ShiftQrPage } from '../features/projects-console/ShiftQrPage';
import { TransferPage } from '../features/transfers/TransferPage';
import { TrainingListPage } from '../features/trainings/TrainingListPage';
import { TrainingDetailPage } from '../features/trainings/TrainingDetailPage';
import { MyTrainingsPage } from '../features/trainings/MyTrainingsPage';
import { MyCommendationsPage } from '../features/commendations/MyCommendationsPage';
import { MyCertificatesPage } from '../features/certificates/MyCertificatesPage';
import { CertificateCheckPage } from '../features/certificates/CertificateCheckPage';
import { MyCardPage } from '../features/certificates/MyCardPage';
import { CardCheckPage } from '../features/certificates/CardCheckPage';
import { NotFound } from './NotFound';
import { SessionProvider } from './session';

const theme = {
  token: {
    // Controls keep antd's blue: a red primary colour would make focused fields look like errors.
    // The brand red stays on the logo.
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  },
};

export function App() {
  return (
    <ConfigProvider locale={zhCN} theme={theme}>
      <AntApp>
        <SessionProvider>
          <BrowserRouter>
            <SpacesProvider>
            <Routes>
              <Route element={<AppLayout />}>
                <Route
                  index
                  element={
                    <RequireAuth>
                      <HomePage />
                    </RequireAuth>
                  }
                />
                <Route path="login" element={<LoginPage />} />
                <Route path="register" element={<RegisterPage />} />
                <Route path="recover" element={<RecoverPage />} />
                <Route path="recover/reset" element={<ResetByLinkPage />} />
                <Route path="activate" element={<ActivatePage />} />
                <Route path="self-service" element={<SelfServicePage />} />
                <Route path="dev/outbox" element={<OutboxPage />} />
                <Route
                  path="me/password"
                  element={
                    <RequireAuth>
                      <ChangePasswordPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="me/sessions"
                  element={
                    <RequireAuth>
                      <SessionsPage />
                    </RequireAuth>
                  }
                />
                <Route path="groups" element={<GroupSearchPage />} />
                <Route path="groups/register" element={<GroupRegisterPage />} />
                <Route path="groups/contact-verification" element={<ContactVerifyPage />} />
                <Route path="groups/:id" element={<GroupDetailPage />} />
                <Route
                  path="me/groups"
                  element={
                    <RequireAuth>
                      <MyGroupsPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="console"
                  element={
                    <RequireAuth>
                      <ConsolePage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="console/reviews"
                  element={
                    <RequireAuth>
                      <ReviewsPage />
                    </RequireAuth>
                  }
                />
                <Route path="projects" element={<ProjectSearchPage />} />
                <Route path="projects/:id" element={<ProjectDetailPage />} />
                <Route
                  path="me/projects"
                  element={
                    <RequireAuth>
                      <MyProjectsPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="me/schedule"
                  element={
                    <RequireAuth>
                      <MySchedulePage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="me/hours"
                  element={
                    <RequireAuth>
                      <MyHoursPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="checkin"
                  element={
                    <RequireAuth>
                      <CheckInPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="console/projects/new"
                  element={
                    <RequireAuth>
                      <ProjectPublishPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="console/projects/:id"
                  element={
                    <RequireAuth>
                      <ProjectManagePage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="console/projects/:id/shifts/:shiftId/qr"
                  element={
                    <RequireAuth>
                      <ShiftQrPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="me/transfer"
                  element={
                    <RequireAuth>
                      <TransferPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="me/trainings"
                  element={
                    <RequireAuth>
                      <MyTrainingsPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="me/commendations"
                  element={
                    <RequireAuth>
                      <MyCommendationsPage />
                    </RequireAuth>
                  }
                />
                <Route path="trainings" element={<TrainingListPage />} />
                <Route path="trainings/:id" element={<TrainingDetailPage />} />
                <Route
                  path="me/certificates"
                  element={
                    <RequireAuth>
                      <MyCertificatesPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="me/card"
                  element={
                    <RequireAuth>
                      <MyCardPage />
                    </RequireAuth>
                  }
                />
                {/* Public: the QR codes on the certificate PDF and on the card open these without signing in. */}
                <Route path="certificates/:number" element={<CertificateCheckPage />} />
                <Route path="cards/:number" element={<CardCheckPage />} />
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
            </SpacesProvider>
          </BrowserRouter>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}
