export { Alert, type AlertTone } from "./alert";
export { Badge, type BadgeTone } from "./badge";
export { Button, LinkButton, buttonClasses, type ButtonProps, type ButtonVariant } from "./button";
export { Card } from "./card";
export { cn } from "./cn";
export { EmptyState } from "./empty-state";
export { Field, Input, Select } from "./input";
export { PageHeader } from "./page-header";
export { Table, TBody, TD, TH, THead, TR } from "./table";
