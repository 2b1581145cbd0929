import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  ZApprovalPolicy,
  ZApprovalRequest,
  ZApprovalRequestInput,
  ZDecideInput,
  ZListApprovalRequestsInput,
  ZListNotificationsInput,
  ZMarkReadInput,
  ZNotification,
  ZRequestPromotionInput,
  ZSetApprovalPolicyInput,
} from "../schemas/approvals";
import { ZModelInput } from "../schemas/registry";
import {
  decide,
  getApprovalPolicy,
  getApprovalRequest,
  listApprovalRequests,
  listInbox,
  listNotifications,
  markNotificationsRead,
  requestPromotion,
  setApprovalPolicy,
  withdrawRequest,
} from "../services/approvals/index";
import { procedure } from "../trpc";

const tags = ["approvals"];
const p = "/projects/{project}";
const model = `${p}/models/{model}`;
const request = `${p}/approval-requests/{request}`;

/** The approval workflow: policies, promotion requests, decisions, the inbox and notifications. */
export const approvalsRouter = {
  getPolicy: procedure
    .meta({ permission: "approval.read", openapi: { method: "GET", path: `${model}/approval-policy`, tags, protect: true } })
    .input(ZModelInput)
    .output(ZApprovalPolicy)
    .query(({ ctx, input }) => getApprovalPolicy(ctx, input)),
  setPolicy: procedure
    .meta({ permission: "approval.policy.update", openapi: { method: "PUT", path: `${model}/approval-policy`, tags, protect: true } })
    .input(ZSetApprovalPolicyInput)
    .output(ZApprovalPolicy)
    .mutation(({ ctx, input }) => setApprovalPolicy(ctx, input)),
  requestPromotion: procedure
    .meta({
      permission: "approval.request",
      openapi: { method: "POST", path: `${model}/versions/{version}/approval-requests`, tags, protect: true, successDescription: "The new request with its frozen evidence (201)" },
    })
    .input(ZRequestPromotionInput)
    .output(ZApprovalRequest)
    .mutation(({ ctx, input }) => requestPromotion(ctx, input)),
  list: procedure
    .meta({ permission: "approval.read", openapi: { method: "GET", path: `${p}/approval-requests`, tags, protect: true } })
    .input(ZListApprovalRequestsInput)
    .output(z.object({ items: z.array(ZApprovalRequest) }))
    .query(async ({ ctx, input }) => ({ items: await listApprovalRequests(ctx, input) })),
  get: procedure
    .meta({ permission: "approval.read", openapi: { method: "GET", path: request, tags, protect: true } })
    .input(ZApprovalRequestInput)
    .output(ZApprovalRequest)
    .query(({ ctx, input }) => getApprovalRequest(ctx, input)),
  decide: procedure
    .meta({ permission: "approval.decide", openapi: { method: "POST", path: `${request}/decision`, tags, protect: true, successDescription: "The request after the decision (201)" } })
    .input(ZDecideInput)
    .output(ZApprovalRequest)
    .mutation(({ ctx, input }) => decide(ctx, input)),
  withdraw: procedure
    .meta({ permission: "approval.request", openapi: { method: "POST", path: `${request}/withdraw`, tags, protect: true } })
    .input(ZApprovalRequestInput)
    .output(ZApprovalRequest)
    .mutation(({ ctx, input }) => withdrawRequest(ctx, input)),
  inbox: procedure
    .meta({ permission: "approval.inbox.read", openapi: { method: "GET", path: "/approvals/inbox", tags, protect: true } })
    .input(z.void())
    .output(z.object({ items: z.array(ZApprovalRequest) }))
    .query(async ({ ctx }) => ({ items: await listInbox(ctx) })),
  notifications: procedure
    .meta({ permission: "notification.read", openapi: { method: "GET", path: "/notifications", tags, protect: true } })
    .input(ZListNotificationsInput)
    .output(z.object({ items: z.array(ZNotification) }))
    .query(async ({ ctx, input }) => ({ items: await listNotifications(ctx, input) })),
  markNotificationsRead: procedure
    .meta({ permission: "notification.update", openapi: { method: "POST", path: "/notifications/read", tags, protect: true } })
    .input(ZMarkReadInput)
    .output(z.object({ updated: z.number().int() }))
    .mutation(({ ctx, input }) => markNotificationsRead(ctx, input)),
} satisfies TRPCRouterRecord;
