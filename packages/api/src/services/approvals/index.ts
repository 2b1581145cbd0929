/** The approval workflow: policies, promotion requests with frozen evidence, decisions, inbox, notifications. */
export { getApprovalPolicy, setApprovalPolicy } from "./policy";
export { getApprovalRequest, listApprovalRequests, listInbox, requestPromotion, withdrawRequest } from "./requests";
export { decide } from "./decide";
export { listNotifications, markNotificationsRead } from "./notifications";
export { computeEvidence } from "./evidence";
