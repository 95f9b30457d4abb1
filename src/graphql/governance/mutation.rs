//! Meetings, resolutions, elections, appointments and working groups (`service::governance`).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::{Meeting, Post, Resolution, WorkingGroup};
use crate::{
    domain::id::{self, Kind},
    error::Result,
    graphql::{
        enums,
        scalars::Date,
        write::RepresentativeInput,
        write::{date, decode_opt, writer},
    },
    service::governance::{NewMeeting, NewResolution},
};

#[derive(InputObject)]
pub struct HoldMeetingInput {
    pub alliance: ID,
    pub kind: enums::MeetingKind,
    pub title: String,
    pub held_on: Date,
    pub location: Option<String>,
    /// Units present (assemblies, council) or people present (expert review).
    pub attendees: Vec<ID>,
}

#[derive(InputObject)]
pub struct RecordResolutionInput {
    pub meeting: ID,
    pub kind: enums::ResolutionKind,
    pub subject: String,
    pub votes_for: i32,
    #[graphql(default)]
    pub votes_against: i32,
    #[graphql(default)]
    pub votes_abstain: i32,
    /// Whom the resolution is about: the person elected or nominated.
    pub person: Option<ID>,
    /// The unit elected, nominated, or named (e.g. bearing external liability).
    pub organization: Option<ID>,
}

#[derive(InputObject)]
pub struct ElectDirectorsInput {
    /// A passed ELECT_DIRECTORS resolution of a general (or founding) assembly.
    pub resolution: ID,
    pub directors: Vec<RepresentativeInput>,
    pub term_start: Option<Date>,
}

#[derive(InputObject)]
pub struct ElectChairInput {
    /// A passed ELECT_CHAIR resolution of a council meeting naming the person and unit.
    pub resolution: ID,
    pub term_start: Option<Date>,
    /// Why an enterprise is chair unit although an industry association is a member.
    pub reason: Option<String>,
}

#[derive(InputObject)]
pub struct ApproveViceChairInput {
    /// A passed APPROVE_VICE_CHAIRS resolution of a council meeting naming the person.
    pub resolution: ID,
    /// The sitting chair who nominated the vice-chair.
    pub nominated_by: ID,
    pub term_start: Option<Date>,
}

#[derive(InputObject)]
pub struct ElectSecretaryGeneralInput {
    /// The council's passed NOMINATE_SECRETARY_GENERAL resolution.
    pub nomination: ID,
    /// The general assembly's passed ELECT_SECRETARY_GENERAL resolution, for the same person.
    pub election: ID,
    pub term_start: Option<Date>,
}

#[derive(InputObject)]
pub struct AppointExpertInput {
    pub alliance: ID,
    pub person: ID,
    /// The member unit the expert represents; leave out for an external expert.
    pub representing: Option<ID>,
    pub term_start: Option<Date>,
}

#[derive(InputObject)]
pub struct CreateWorkingGroupInput {
    pub alliance: ID,
    pub kind: enums::WorkingGroupKind,
    pub name_zh: String,
    pub name_en: String,
    pub purpose: Option<String>,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct AppointToWorkingGroupInput {
    pub working_group: ID,
    pub person: ID,
    pub organization: Option<ID>,
    #[graphql(default)]
    pub lead: bool,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct DatedVersionedInput {
    pub id: ID,
    pub expected_version: i32,
    pub date: Option<Date>,
}

#[derive(SimpleObject)]
pub struct MeetingPayload {
    pub meeting: Meeting,
}

#[derive(SimpleObject)]
pub struct ResolutionPayload {
    pub resolution: Resolution,
}

#[derive(SimpleObject)]
pub struct PostPayload {
    pub post: Post,
}

#[derive(SimpleObject)]
pub struct PostsPayload {
    pub posts: Vec<Post>,
}

#[derive(SimpleObject)]
pub struct WorkingGroupPayload {
    pub working_group: WorkingGroup,
}

#[derive(Default)]
pub struct GovernanceMutation;

#[Object]
impl GovernanceMutation {
    /// Records a meeting and who attended; its body's size is the quorum's base.
    async fn hold_meeting(
        &self,
        ctx: &Context<'_>,
        input: HoldMeetingInput,
    ) -> async_graphql::Result<MeetingPayload> {
        let by_person = input.kind == enums::MeetingKind::ExpertReview;
        let kind = if by_person {
            Kind::Person
        } else {
            Kind::Organization
        };
        let new = NewMeeting {
            kind: input.kind.into(),
            title: input.title,
            held_on: input.held_on.0,
            location: input.location,
            attendees: input
                .attendees
                .iter()
                .map(|a| id::decode_as(a, kind))
                .collect::<Result<_>>()?,
        };
        let row = writer(ctx)?
            .hold_meeting(id::decode_as(&input.alliance, Kind::Alliance)?, new)
            .await?;
        Ok(MeetingPayload {
            meeting: Meeting(row),
        })
    }

    /// Records a vote; it passes with a quorum and a majority of those present.
    async fn record_resolution(
        &self,
        ctx: &Context<'_>,
        input: RecordResolutionInput,
    ) -> async_graphql::Result<ResolutionPayload> {
        let new = NewResolution {
            kind: input.kind.into(),
            subject: input.subject,
            votes_for: input.votes_for,
            votes_against: input.votes_against,
            votes_abstain: input.votes_abstain,
            person: decode_opt(&input.person, Kind::Person)?,
            organization: decode_opt(&input.organization, Kind::Organization)?,
        };
        let row = writer(ctx)?
            .record_resolution(id::decode_as(&input.meeting, Kind::Meeting)?, new)
            .await?;
        Ok(ResolutionPayload {
            resolution: Resolution(row),
        })
    }

    /// Director units elected by the general assembly.
    async fn elect_directors(
        &self,
        ctx: &Context<'_>,
        input: ElectDirectorsInput,
    ) -> async_graphql::Result<PostsPayload> {
        let directors = input
            .directors
            .iter()
            .map(|d| {
                Ok((
                    id::decode_as(&d.organization, Kind::Organization)?,
                    id::decode_as(&d.person, Kind::Person)?,
                ))
            })
            .collect::<Result<_>>()?;
        let rows = writer(ctx)?
            .elect_directors(
                id::decode_as(&input.resolution, Kind::Resolution)?,
                directors,
                date(input.term_start),
            )
            .await?;
        Ok(PostsPayload {
            posts: rows.into_iter().map(Post).collect(),
        })
    }

    /// The chair, elected by the council for five years.
    async fn elect_chair(
        &self,
        ctx: &Context<'_>,
        input: ElectChairInput,
    ) -> async_graphql::Result<PostPayload> {
        let row = writer(ctx)?
            .elect_chair(
                id::decode_as(&input.resolution, Kind::Resolution)?,
                date(input.term_start),
                input.reason.as_deref(),
            )
            .await?;
        Ok(PostPayload { post: Post(row) })
    }

    /// A vice-chair nominated by the sitting chair and approved by the council.
    async fn approve_vice_chair(
        &self,
        ctx: &Context<'_>,
        input: ApproveViceChairInput,
    ) -> async_graphql::Result<PostPayload> {
        let row = writer(ctx)?
            .approve_vice_chair(
                id::decode_as(&input.resolution, Kind::Resolution)?,
                id::decode_as(&input.nominated_by, Kind::Person)?,
                date(input.term_start),
            )
            .await?;
        Ok(PostPayload { post: Post(row) })
    }

    /// The secretary-general nominated by the council and elected by the general assembly.
    async fn elect_secretary_general(
        &self,
        ctx: &Context<'_>,
        input: ElectSecretaryGeneralInput,
    ) -> async_graphql::Result<PostPayload> {
        let row = writer(ctx)?
            .elect_secretary_general(
                id::decode_as(&input.nomination, Kind::Resolution)?,
                id::decode_as(&input.election, Kind::Resolution)?,
                date(input.term_start),
            )
            .await?;
        Ok(PostPayload { post: Post(row) })
    }

    /// An expert-committee member from a member unit, or an external expert.
    async fn appoint_expert(
        &self,
        ctx: &Context<'_>,
        input: AppointExpertInput,
    ) -> async_graphql::Result<PostPayload> {
        let row = writer(ctx)?
            .appoint_expert(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                id::decode_as(&input.person, Kind::Person)?,
                decode_opt(&input.representing, Kind::Organization)?,
                date(input.term_start),
            )
            .await?;
        Ok(PostPayload { post: Post(row) })
    }

    async fn create_working_group(
        &self,
        ctx: &Context<'_>,
        input: CreateWorkingGroupInput,
    ) -> async_graphql::Result<WorkingGroupPayload> {
        let row = writer(ctx)?
            .create_working_group(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                input.kind.into(),
                &input.name_zh,
                &input.name_en,
                input.purpose.as_deref(),
                date(input.date),
            )
            .await?;
        Ok(WorkingGroupPayload {
            working_group: WorkingGroup(row),
        })
    }

    async fn appoint_to_working_group(
        &self,
        ctx: &Context<'_>,
        input: AppointToWorkingGroupInput,
    ) -> async_graphql::Result<PostPayload> {
        let row = writer(ctx)?
            .appoint_to_working_group(
                id::decode_as(&input.working_group, Kind::WorkingGroup)?,
                id::decode_as(&input.person, Kind::Person)?,
                decode_opt(&input.organization, Kind::Organization)?,
                input.lead,
                date(input.date),
            )
            .await?;
        Ok(PostPayload { post: Post(row) })
    }

    async fn dissolve_working_group(
        &self,
        ctx: &Context<'_>,
        input: DatedVersionedInput,
    ) -> async_graphql::Result<WorkingGroupPayload> {
        let row = writer(ctx)?
            .dissolve_working_group(
                id::decode_as(&input.id, Kind::WorkingGroup)?,
                input.expected_version,
                date(input.date),
            )
            .await?;
        Ok(WorkingGroupPayload {
            working_group: WorkingGroup(row),
        })
    }

    /// Ends a post before its term does.
    async fn end_post(
        &self,
        ctx: &Context<'_>,
        input: DatedVersionedInput,
    ) -> async_graphql::Result<PostPayload> {
        let row = writer(ctx)?
            .end_post(
                id::decode_as(&input.id, Kind::Post)?,
                input.expected_version,
                date(input.date),
            )
            .await?;
        Ok(PostPayload { post: Post(row) })
    }
}
