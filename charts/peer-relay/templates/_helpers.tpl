{{/*
Chart name, truncated to 63 characters (a label value).
*/}}
{{- define "peer-relay.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the operator's objects: fullnameOverride, or "<release>-<chart>" unless the release name
already contains the chart name.
*/}}
{{- define "peer-relay.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Namespace of the operator and its namespaced objects.
*/}}
{{- define "peer-relay.namespace" -}}
{{- default .Release.Namespace .Values.namespace.name }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "peer-relay.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "peer-relay.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: peer-relay
{{- end }}

{{/*
Labels selecting the operator pods (immutable in the Deployment selector: never add to these).
*/}}
{{- define "peer-relay.selectorLabels" -}}
app.kubernetes.io/name: {{ include "peer-relay.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/*
Name of the operator's ServiceAccount.
*/}}
{{- define "peer-relay.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "peer-relay.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false: name an existing ServiceAccount" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
An image reference from {repository, tag, digest}: the digest wins over the tag; the tag defaults to the
second argument.
Usage: include "peer-relay.imageRef" (list .Values.image .Chart.AppVersion)
*/}}
{{- define "peer-relay.imageRef" -}}
{{- $img := index . 0 }}
{{- $defaultTag := index . 1 }}
{{- if $img.digest }}
{{- printf "%s@%s" $img.repository $img.digest }}
{{- else }}
{{- printf "%s:%s" $img.repository (default $defaultTag $img.tag) }}
{{- end }}
{{- end }}

{{/*
The operator image.
*/}}
{{- define "peer-relay.image" -}}
{{- include "peer-relay.imageRef" (list .Values.image .Chart.AppVersion) }}
{{- end }}

{{/*
The default relay image: relayImage, falling back to the operator image's repository and tag.
*/}}
{{- define "peer-relay.relayImage" -}}
{{- $repo := default .Values.image.repository .Values.relayImage.repository }}
{{- $tag := default (default .Chart.AppVersion .Values.image.tag) .Values.relayImage.tag }}
{{- $digest := .Values.relayImage.digest }}
{{- if and (not .Values.relayImage.repository) (not .Values.relayImage.tag) (not $digest) }}
{{- $digest = .Values.image.digest }}
{{- end }}
{{- include "peer-relay.imageRef" (list (dict "repository" $repo "tag" $tag "digest" $digest) .Chart.AppVersion) }}
{{- end }}
