export * from './simulator';
export { boundaryOf, parseMultipart, type FormPart } from './multipart';
