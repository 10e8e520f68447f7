import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HOME_EVALUATIONS, HOME_LIST_SIZE, volunteerHome } from './home.js';
import { PROJECT_STATUS_SCHEMA } from '../projects/status.js';

/** GET /me/home: the volunteer home page's data. */
export async function homeRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;
  app.get('/me/home', {
    schema: {
      tags: ['hours'],
      summary: '志愿者主页: hours, stars, counts, and the newest few groups, projects, service records and evaluations in one call',
      description: `The home page of seed 002 §2.1.6.1 in one request. totalHours: effective hours; stars 1–5 at 100/300/600/1000/1500 h; ` +
        `groupCount / projectCount: joined groups and enrolled projects; groups and projects: the newest ${HOME_LIST_SIZE} of each; ` +
        `recentHours: the newest ${HOME_LIST_SIZE} effective records; evaluations: the newest ${HOME_EVALUATIONS}, their average ` +
        '(one decimal, null when none) and count. The full lists are /me/groups, /me/projects, /me/hours and /me/evaluations. ' +
        'Errors: 401; 403 FORBIDDEN (not a volunteer).',
      response: {
        200: Type.Object({
          totalHours: Type.Number(),
          stars: Type.Integer({ minimum: 0, maximum: 5 }),
          groupCount: Type.Integer(),
          projectCount: Type.Integer(),
          groups: Type.Array(Type.Object({ groupId: Type.String(), groupName: Type.String(), siteCode: Type.String() })),
          projects: Type.Array(Type.Object({
            projectId: Type.String(), projectName: Type.String(), siteCode: Type.String(), positionName: Type.String(),
            startDate: Type.String(), endDate: Type.String(), projectStatus: PROJECT_STATUS_SCHEMA,
          })),
          recentHours: Type.Array(Type.Object({
            id: Type.String(), projectId: Type.String(), projectName: Type.String(), serviceDate: Type.String(),
            startTime: Type.String(), endTime: Type.String(), hours: Type.Number(),
          })),
          evaluations: Type.Object({
            items: Type.Array(Type.Object({
              projectId: Type.String(), projectName: Type.String(), groupId: Type.String(), groupName: Type.String(),
              rating: Type.Integer(), comment: Type.Union([Type.String(), Type.Null()]), updatedAt: Type.String(),
            })),
            averageRating: Type.Union([Type.Number(), Type.Null()]),
            total: Type.Integer(),
          }),
        }),
      },
    },
  }, async (request) => volunteerHome(ctx, request));
}
